"""cellseg.experiment: batch QC on Dask, outlier rules against a known truth, tiled segmentation."""

import numpy as np
import pytest

pytest.importorskip("dask")
pytest.importorskip("pandas")

import dask.array as da  # noqa: E402
from scipy import ndimage as ndi  # noqa: E402

from cellseg import experiment as ex  # noqa: E402
from cellseg import plate as pl  # noqa: E402

PIPELINE = dict(sigma=2.0, min_size=30, bit_depth=12)


@pytest.fixture(scope="module")
def plate_run(tmp_path_factory):
    """A 96-well plate with three fields of each single-field fault and a drift, measured once."""
    folder = tmp_path_factory.mktemp("plate")
    plate = pl.make_plate(folder / "images", seed=11)
    result = ex.run_experiment(plate.layout, plate.folder, folder / "tables", threshold=plate.threshold,
                               progress=False, **PIPELINE)
    return plate, result, folder


def test_plate_qc_finds_the_injected_faults(plate_run):
    plate, result, _ = plate_run
    assert result.computed == 96 and result.skipped == 0
    assert (result.fields["status"] == "ok").all()
    flagged = ex.flag_fields(result.fields)
    scores = ex.score_flags(flagged, plate.truth)
    assert scores["precision"] >= 0.9 and scores["recall"] >= 0.9, scores
    assert set(scores["by_fault"]) == set(pl.FAULTS)
    for fault, (found, injected) in scores["by_fault"].items():
        assert found >= 0.6 * injected, (fault, found, injected)
    # Each single-field fault is found by its own rule, not only by some rule.
    bad = flagged[flagged["fault"].isin(pl.DEFAULT_FAULTS)]
    named = [fault in flags for fault, flags in zip(bad["fault"], bad["flags"])]
    assert np.mean(named) >= 0.8, list(zip(bad["fault"], bad["flags"]))


def test_the_tables_are_written_per_field_and_gathered(plate_run):
    plate, result, folder = plate_run
    tables = folder / "tables"
    assert len(list((tables / "fields").glob("*.csv"))) == 96
    assert (tables / "fields.csv").exists() and (tables / "objects.csv").exists()
    per_field = result.objects.groupby("well").size()
    counts = result.fields.set_index("well")["n_objects"]
    assert (per_field.reindex(counts.index, fill_value=0) == counts).all()
    assert {"area", "centroid-0", "intensity_mean", "eccentricity"} <= set(result.objects.columns)
    assert list(result.fields["well"]) == list(plate.layout["well"])
    # text columns read back as text, "" for a good field (not NaN, whatever pandas' str dtype)
    assert list(result.fields["fault"]) == list(plate.layout["fault"])
    assert set(result.fields["error"]) == {""}


def test_the_drift_rule_follows_the_drift_and_ignores_single_bad_fields(plate_run):
    plate, result, _ = plate_run
    flagged = ex.flag_fields(result.fields)
    says_drift = flagged["flags"].str.contains("drift")
    assert (flagged.loc[says_drift, "light"] < 1).all()  # only fields the lamp's drift dimmed
    assert (flagged.loc[says_drift, "fault"] == "drift").mean() >= 0.9
    drift = flagged[flagged["fault"] == "drift"]
    # the mildest drifted field lost just over the tolerance, and is still found
    assert (1 - drift["light"]).min() < 0.2 and says_drift[drift.index].all()


def _small_plate(tmp_path, **options):
    return pl.make_plate(tmp_path / "images", rows=2, cols=4, faults={"saturated": 1}, drift=0, seed=4,
                         **options)


def _numbers(fields):
    return fields.drop(columns=["seconds"]).reset_index(drop=True)


def test_an_interrupted_run_resumes_without_redoing_finished_fields(tmp_path, monkeypatch):
    plate = _small_plate(tmp_path)
    run = dict(threshold=plate.threshold, progress=False, scheduler="synchronous", **PIPELINE)
    reference = ex.run_experiment(plate.layout, plate.folder, tmp_path / "reference", **run)
    measure, calls = ex.measure_field, []

    def interrupted(image, **options):
        if len(calls) == 5:
            raise KeyboardInterrupt  # Ctrl-C, a killed job: not an error of one field
        calls.append(1)
        return measure(image, **options)

    monkeypatch.setattr(ex, "measure_field", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ex.run_experiment(plate.layout, plate.folder, tmp_path / "run", **run)
    assert len(list((tmp_path / "run" / "fields").glob("*.csv"))) == 5
    calls.clear()
    monkeypatch.setattr(ex, "measure_field", lambda image, **o: calls.append(1) or measure(image, **o))
    resumed = ex.run_experiment(plate.layout, plate.folder, tmp_path / "run", **run)
    assert (resumed.computed, resumed.skipped, len(calls)) == (3, 5, 3)
    assert _numbers(resumed.fields).equals(_numbers(reference.fields))
    assert resumed.objects.equals(reference.objects)
    again = ex.run_experiment(plate.layout, plate.folder, tmp_path / "run", **run)
    assert (again.computed, again.skipped) == (0, 8)


def test_a_corrupt_file_is_reported_and_the_batch_completes(tmp_path, capsys):
    plate = _small_plate(tmp_path)
    broken = plate.folder / plate.layout["path"][2]
    good_bytes = broken.read_bytes()
    broken.write_bytes(b"not a TIFF at all")
    (plate.folder / plate.layout["path"][5]).unlink()
    run = dict(threshold=plate.threshold, progress=False, **PIPELINE)
    result = ex.run_experiment(plate.layout, plate.folder, tmp_path / "out", **{**run, "progress": True})
    assert "8/8" in capsys.readouterr().err  # the progress bar counted every field, failed or not
    status = dict(zip(result.fields["well"], result.fields["status"]))
    failed = [w for w, s in status.items() if s == "failed"]
    assert failed == [plate.layout["well"][2], plate.layout["well"][5]]
    errors = result.fields.set_index("well")["error"]
    assert "TiffFileError" in errors[failed[0]] or "not a TIFF" in errors[failed[0]]
    assert "FileNotFoundError" in errors[failed[1]]
    assert (result.fields["status"] == "ok").sum() == 6
    flagged = ex.flag_fields(result.fields)
    assert set(flagged.loc[flagged["flags"].str.contains("failed"), "well"]) == set(failed)
    broken.write_bytes(good_bytes)  # fixed: the next run tries the failed fields again, only them
    again = ex.run_experiment(plate.layout, plate.folder, tmp_path / "out", **run)
    assert (again.computed, again.skipped) == (2, 6)
    assert list(again.fields["status"]) == ["ok"] * 5 + ["failed"] + ["ok"] * 2


def test_the_same_call_runs_on_a_dask_distributed_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    plate = pl.make_plate(tmp_path / "images", rows=1, cols=4, faults={}, drift=0, seed=8)
    run = dict(threshold=plate.threshold, progress=False, **PIPELINE)
    local = ex.run_experiment(plate.layout, plate.folder, tmp_path / "local", **run)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = ex.run_experiment(plate.layout, plate.folder, tmp_path / "cluster", client=client, **run)
    assert remote.computed == 4
    assert _numbers(remote.fields).equals(_numbers(local.fields))


def test_bad_arguments_are_refused_at_once(tmp_path):
    plate = _small_plate(tmp_path)
    with pytest.raises(TypeError, match="DataFrame"):
        ex.run_experiment(list(plate.layout["path"]), plate.folder, tmp_path / "o", threshold=1, sigma=2,
                          min_size=3)
    with pytest.raises(ValueError, match="duplicates"):
        twice = plate.layout.iloc[[0, 0]]
        ex.run_experiment(twice, plate.folder, tmp_path / "o", threshold=1, sigma=2, min_size=3)
    with pytest.raises(TypeError, match="threshold"):
        ex.run_experiment(plate.layout, plate.folder, tmp_path / "o", threshold="high", sigma=2, min_size=3)


def test_robust_z_ignores_the_outliers_an_ordinary_z_score_is_fooled_by():
    rng = np.random.default_rng(3)
    values = rng.normal(10.0, 2.0, 10_000)
    assert np.std(values) / np.std(ex.robust_z(values)) == pytest.approx(2.0, rel=0.03)
    spoiled = np.concatenate([values[:95], [1000.0] * 5])
    ordinary = (spoiled - spoiled.mean()) / spoiled.std()
    assert ordinary[0:95].std() < 0.1  # everything else looks alike: the outliers inflated the sd
    assert ex.robust_z(spoiled)[95:].min() > 100 and np.abs(ex.robust_z(spoiled)[:95]).max() < 5
    assert np.isinf(ex.robust_z([3, 3, 3, 4])[3])


# ---------------------------------------------------------------- tiled segmentation


def test_the_overlap_is_the_reach_of_scipys_gaussian_kernel():
    for sigma in (0.7, 1.0, 2.0, 3.3):
        impulse = np.zeros(101)
        impulse[50] = 1.0
        reach = np.flatnonzero(ndi.gaussian_filter1d(impulse, sigma))
        assert 50 - reach.min() == ex.overlap_depth(sigma) == reach.max() - 50


def test_too_little_overlap_changes_the_smoothing_at_chunk_borders():
    image = pl.plate_field(shape=256, seed=5).astype(float)
    depth = ex.overlap_depth(2.0)
    chunked = da.from_array(image, chunks=64)
    exact = chunked.map_overlap(ndi.gaussian_filter, depth=depth, boundary="reflect", sigma=2.0).compute()
    short = chunked.map_overlap(ndi.gaussian_filter, depth=depth - 3, boundary="reflect", sigma=2.0).compute()
    np.testing.assert_array_equal(exact, ndi.gaussian_filter(image, 2.0))
    wrong = exact != short
    assert wrong.any() and not wrong[:, 70:120].any(axis=1)[70:120].any()  # only near the borders


def test_tiled_labels_equal_untiled_labels_on_a_4096_mosaic(tmp_path):
    threshold = pl.make_mosaic(tmp_path / "mosaic.zarr", shape=4096, chunks=1024, seed=9)
    image = da.from_zarr(str(tmp_path / "mosaic.zarr"), component="0")
    tiled = ex.segment_tiled(image, sigma=2.0, threshold=threshold, min_size=30).compute()
    untiled = ex._segment(image.compute(), sigma=2.0, threshold=threshold, min_size=30)
    assert ex.same_objects(tiled, untiled)
    n = int(untiled.max())
    assert tiled.max() == n > 5000
    # Objects cut by a chunk border: in both chunks' pixels on either side of a border.
    borders = np.arange(1024, 4096, 1024)
    cut = np.unique(np.concatenate([
        untiled[borders - 1][untiled[borders - 1] == untiled[borders]],
        untiled[:, borders - 1][untiled[:, borders - 1] == untiled[:, borders]],
    ]))
    assert (cut > 0).sum() >= 50


def test_tiled_labels_join_objects_across_several_chunks_with_either_connectivity():
    image = pl.plate_field(shape=384, fault="debris", seed=12)  # a fibre crosses several 96-px chunks
    for connectivity in (1, 2):
        options = dict(sigma=2.0, threshold=1100, min_size=30, connectivity=connectivity)
        tiled = ex.segment_tiled(da.from_array(image, chunks=96), **options).compute()
        untiled = ex._segment(image, **options)
        assert ex.same_objects(tiled, untiled)
        largest = np.bincount(untiled.ravel())[1:].max()
        assert largest > 96  # the fibre is longer than a chunk
    from dask_image.ndmeasure import label  # the reference implementation of the labelling

    mask = ex._smooth(image, 2.0) > 1100
    theirs, _ = label(da.from_array(mask, chunks=192))
    mine = ex.segment_tiled(da.from_array(image, chunks=192), sigma=2.0, threshold=1100, min_size=0)
    assert ex.same_objects(mine.compute(), theirs.compute())


def test_tiled_segmentation_refuses_chunks_narrower_than_the_overlap():
    with pytest.raises(ValueError, match="rechunk"):
        ex.segment_tiled(da.zeros((64, 64), chunks=4), sigma=2.0, threshold=1.0, min_size=1)
    with pytest.raises(ValueError, match="2-D"):
        ex.segment_tiled(da.zeros((4, 64, 64), chunks=32), sigma=2.0, threshold=1.0, min_size=1)


def test_same_objects_ignores_numbers_but_not_pixels():
    a = np.array([[1, 1, 0, 2, 2]])
    assert ex.same_objects(a, np.array([[7, 7, 0, 3, 3]]))
    assert not ex.same_objects(a, np.array([[1, 1, 0, 1, 1]]))  # two objects merged
    assert not ex.same_objects(a, np.array([[1, 2, 0, 3, 3]]))  # one split
    assert not ex.same_objects(a, np.array([[1, 1, 1, 2, 2]]))  # background differs
    assert not ex.same_objects(a, a[:, :4])


# ---------------------------------------------------------------- bad input, refused at once


def test_robust_z_takes_one_sequence_of_numbers_with_nan_for_a_missing_one():
    np.testing.assert_array_equal(ex.robust_z([1.0, np.nan, 3.0]), [-1 / 1.4826, np.nan, 1 / 1.4826])
    for bad, error, message in [(None, TypeError, "sequence of numbers"), ("abc", TypeError, "sequence"),
                                ([[1, 2], [3]], ValueError, "rectangular"), ([True, False], TypeError, "real"),
                                (np.ones((3, 3)), ValueError, "1-D"), ([], ValueError, "non-empty"),
                                (5.0, ValueError, "1-D"), ([1.0, np.inf], ValueError, "finite"),
                                (np.ones(3, complex), TypeError, "real")]:
        with pytest.raises(error, match=f"values.*{message}|{message}.*values"):
            ex.robust_z(bad)


def test_sharpness_takes_a_narrow_and_a_wide_width():
    image = pl.plate_field(shape=64, seed=1)
    assert ex.sharpness(image, sigmas=[2, 6]) == ex.sharpness(image)
    for bad, error in [(2.0, TypeError), (None, TypeError), ((6.0, 2.0), ValueError), ((0, 2), ValueError),
                       (("a", "b"), TypeError), ((1.0, np.nan), ValueError), ((2.0, 1e6), ValueError)]:
        with pytest.raises(error, match="sigmas"):
            ex.sharpness(image, sigmas=bad)


def _fields(n=12, seed=0):
    """A table of fields as run_experiment writes it (the columns the rules read), without a run."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    brightness = np.r_[np.full(n - 4, 900.0), [700.0, 600.0, 500.0, 400.0]] + rng.normal(0, 5, n)
    return pd.DataFrame({
        "plate": "p", "well": [pl.well_name(0, c) for c in range(n)], "row": 0, "col": np.arange(n),
        "field": 0, "order": np.arange(n), "status": "ok", "path": [f"f{c}.tif" for c in range(n)],
        "sharpness": rng.normal(1.8, 0.05, n), "n_objects": rng.integers(7, 10, n),
        "max_area": rng.normal(150, 5, n), "brightness": brightness, "clipped_high": False,
        "uneven": False,
    })


def test_a_window_wider_than_the_plate_gives_the_same_flags_without_allocating_it():
    fields = _fields()
    wide = ex.flag_fields(fields, window=2 * len(fields) + 3)
    assert wide["brightness_trend"].notna().all()
    for window in (2 * len(fields) + 5, 10**12 + 1, 2**62 + 1):  # 10**12 values: a 931 GiB footprint
        np.testing.assert_array_equal(ex.flag_fields(fields, window=window)["brightness_trend"],
                                      wide["brightness_trend"])
    # an even window is centred one step off, and stays so
    even = ex.flag_fields(fields, window=2 * len(fields) + 4)["brightness_trend"]
    assert not np.array_equal(even, wide["brightness_trend"])
    np.testing.assert_array_equal(ex.flag_fields(fields, window=10**12)["brightness_trend"], even)


def test_tables_are_checked_before_they_are_read(tmp_path):
    fields = _fields()
    flagged = ex.flag_fields(fields)
    for call in (lambda: ex.flag_fields(None), lambda: ex.flag_fields(fields.to_dict()),
                 lambda: ex.plate_heatmap([1, 2], "n_objects")):
        with pytest.raises(TypeError, match="fields must be a pandas DataFrame"):
            call()
    with pytest.raises(ValueError, match="fields has no column 'brightness'"):
        ex.flag_fields(fields.drop(columns="brightness"))
    with pytest.raises(TypeError, match="flagged must be a pandas DataFrame"):
        ex.score_flags("A01", {})
    with pytest.raises(TypeError, match="truth must be a dict"):
        ex.score_flags(flagged, [("A01", 0)])
    with pytest.raises(ValueError, match="column must be one of"):
        ex.plate_heatmap(flagged, ["n_objects"])
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        ex.plate_heatmap(flagged, "n_objects", ax="left")
    with pytest.raises(ValueError, match="cmap must be a matplotlib colormap"):
        ex.plate_heatmap(flagged, "n_objects", cmap="no such map")
    with pytest.raises(TypeError, match="label must be a text"):
        ex.plate_heatmap(flagged, "n_objects", label=3)
    flagged.loc[0, "flagged"] = True
    options = dict(sigma=2.0, threshold=1100, min_size=30)
    with pytest.raises(FileNotFoundError, match="folder .* is not a folder"):
        ex.flagged_gallery(flagged, tmp_path / "nowhere", **options)
    with pytest.raises(ValueError, match="n_cols=100 panels in width=8 inches"):
        ex.flagged_gallery(flagged, tmp_path, n_cols=100, **options)
    with pytest.raises(ValueError, match=r"figure 1e\+06 inches wide would need"):
        ex.flagged_gallery(flagged, tmp_path, width=1e6, **options)
    with pytest.raises(TypeError, match="sigma"):
        ex.flagged_gallery(flagged, tmp_path, sigma=None, threshold=1100, min_size=30)


def test_paths_and_run_options_are_refused_before_any_file_is_written(tmp_path):
    with pytest.raises(TypeError, match="path must be a path"):
        ex.read_field(None)
    with pytest.raises(ValueError, match="path must name a .tif/.tiff file"):
        ex.read_field(tmp_path / "field.png")
    plate = pl.make_plate(tmp_path / "images", rows=1, cols=2, shape=64, faults={}, drift=0)
    run = dict(sigma=2.0, threshold=plate.threshold, min_size=30, progress=False)
    out = tmp_path / "out"
    for options, error, message in [
        ({"scheduler": "fast"}, ValueError, "scheduler must be one of"),
        ({"client": "localhost"}, TypeError, "client must be a dask.distributed Client"),
        ({"progress": "no"}, TypeError, "progress must be True or False"),
        ({"bit_depth": 0}, ValueError, "bit_depth"), ({"bit_depth": "12"}, TypeError, "bit_depth"),
        ({"sigma": None}, TypeError, "sigma"), ({"min_size": 2.5}, TypeError, "min_size"),
    ]:
        with pytest.raises(error, match=message):
            ex.run_experiment(plate.layout, plate.folder, out, **{**run, **options})
    with pytest.raises(FileNotFoundError, match="folder .* is not a folder"):
        ex.run_experiment(plate.layout, tmp_path / "nowhere", out, **run)
    with pytest.raises(TypeError, match="out must be a path"):
        ex.run_experiment(plate.layout, plate.folder, None, **run)
    assert not out.exists()
    # a bit depth below the image's values names bit_depth (image_report's own message does not)
    with pytest.raises(ValueError, match="bit_depth=2 gives a full scale of 3"):
        ex.measure_field(pl.plate_field(shape=64), sigma=2.0, threshold=1100, min_size=30, bit_depth=2)


def test_tiled_segmentation_refuses_images_it_cannot_segment_before_reading_them_all():
    image = pl.plate_field(shape=64, seed=1).astype(float)
    options = dict(sigma=2.0, threshold=1100, min_size=30)
    image[3, 3] = np.nan
    with pytest.raises(ValueError, match="image contains NaN"):
        ex.segment_tiled(image, **options)  # a NumPy image: checked at once
    with pytest.raises(ValueError, match="image contains NaN"):
        ex.segment_tiled(da.from_array(image, chunks=32), **options)  # a lazy one: in the first pass
    for bad, error in [(np.ones((64, 64), complex), TypeError), (np.full((64, 64), "a"), TypeError),
                       (None, TypeError), ([[1, 2], [3]], ValueError), (np.zeros((0, 64)), ValueError)]:
        with pytest.raises(error, match="image"):
            ex.segment_tiled(bad, **options)
    with pytest.raises(TypeError, match="connectivity must be a whole number"):
        ex.segment_tiled(da.zeros((64, 64), chunks=32), connectivity=True, **options)


def test_same_objects_takes_any_integer_ids_and_refuses_other_arrays():
    a = np.array([[1, 1, 0, 2, 2]])
    big = a.astype(np.uint64) * np.uint64(2**63 + 1)  # ids beyond int64: no overflow
    assert ex.same_objects(big, a) and ex.same_objects(a, big)
    assert not ex.same_objects(big, np.array([[1, 1, 0, 1, 1]]))
    assert ex.same_objects(np.zeros((2, 2), int), np.zeros((2, 2), np.uint8))
    for bad in (a.astype(float), None, np.int64(3), "labels", a > 0):
        with pytest.raises(TypeError, match="labels_a must be a label image"):
            ex.same_objects(bad, a)
        with pytest.raises(TypeError, match="labels_b must be a label image"):
            ex.same_objects(a, bad)
