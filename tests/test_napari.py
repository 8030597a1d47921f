"""napari, driven headless: open an image and labels, edit the labels layer, save, read back, score.

These run once per test command, in step 2 (marker ``napari``), on a virtual screen (Xvfb)
that cellseg_course.napari_setup starts when there is no screen. Where Qt cannot start they
are skipped, all with the same one-line reason.
"""

import numpy as np
import pytest

import cellseg
from cellseg_course import napari_setup

# napari 0.9 and npe2 still use pydantic 1 idioms, which pydantic 2 reports as deprecated
pytestmark = [pytest.mark.napari, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture(scope="module")
def napari():
    ok, how = napari_setup.find_display()
    if not ok:
        pytest.skip(f"napari cannot run here: {how}")
    import napari

    return napari


@pytest.fixture(scope="module")
def scene():
    """A synthetic image, its reference, and a segmentation with one split and one missed nucleus."""
    made = cellseg.make_image()
    truth = cellseg.ground_truth_labels(made.centers, shape=made.image.shape)
    wrong = cellseg.inject_error(cellseg.inject_error(truth, "split", label=5), "missed", label=3)
    return made, truth, wrong


def test_napari_edits_labels_in_2d_and_3d_and_the_corrected_labels_score_better(napari, scene, tmp_path):
    """One test, so that where Qt cannot start the run says so in one line."""
    import tifffile

    made, truth, wrong = scene
    viewer = napari.Viewer(show=True)
    try:
        viewer.add_image(made.image, name="nuclei")
        layer = viewer.add_labels(wrong.copy(), name="segmentation")
        before = cellseg.matching(truth, wrong)
        assert (before.tp, before.fp, before.fn) == (truth.max() - 1, 1, 1)  # one half matches, one is spare

        # the split: picker on the upper part, fill bucket on the lower part
        (upper,) = np.argwhere(wrong == 5)[:1]
        lower = np.argwhere(wrong == wrong.max())[0]
        layer.selected_label = layer.data[tuple(upper)]
        layer.fill(tuple(lower), layer.selected_label)
        # the missed nucleus: new label, preserve labels, one brush click of its width
        center = np.argwhere(truth == 3).mean(axis=0)
        layer.selected_label = layer.data.max() + 1
        layer.preserve_labels = True
        layer.brush_size = 14
        layer.paint(tuple(center), layer.selected_label)
        assert (layer.data[wrong > 0] == np.where(wrong == wrong.max(), 5, wrong)[wrong > 0]).all()

        path = tmp_path / "corrected.tif"
        tifffile.imwrite(path, layer.data)
        back = cellseg.load_labels(path)
        assert back.dtype == layer.data.dtype and np.array_equal(back, layer.data)
        after = cellseg.matching(truth, back)
        assert (after.tp, after.fp, after.fn) == (truth.max(), 0, 0)
        assert 0.7 < after.mean_matched_score < 1  # the painted disc is close to, not exactly, the reference

        shot = viewer.screenshot(canvas_only=True, flash=False)
        assert shot.ndim == 3 and shot.shape[2] == 4 and shot.dtype == np.uint8
        assert shot[..., :3].std() > 10  # OpenGL drew the image, not a blank canvas

        # 3-D: scale draws anisotropic voxels in micrometres, and fill edits one slice or the whole object
        viewer.layers.clear()
        labels = np.zeros((6, 40, 40), np.uint16)
        zz, yy, xx = np.ogrid[:6, :40, :40]
        labels[((zz - 2.5) * 4) ** 2 + (yy - 20.0) ** 2 + (xx - 20.0) ** 2 <= 10**2] = 1  # a ball 20 µm wide
        layer = viewer.add_labels(labels.copy(), scale=(4.0, 1.0, 1.0))
        extent = layer.extent.world[1] - layer.extent.world[0]
        assert np.allclose(extent, (20, 39, 39))  # from the first to the last pixel centre: 5 steps of 4 µm in z
        layer.n_edit_dimensions = 2
        layer.fill((2, 20, 20), 0)  # one slice only
        assert (layer.data[2] == 0).all() and (layer.data[3] == 1).any()
        layer.n_edit_dimensions = 3
        layer.fill((3, 20, 20), 0)  # the whole connected object left
        assert not (layer.data[3:] == 1).any() and (layer.data[:2] == 1).any()  # slice 2 cut it in two
    finally:
        viewer.close()


def test_without_a_screen_the_set_up_says_so_in_one_line_and_viewer_cells_are_skipped(monkeypatch, capsys):
    monkeypatch.setattr(napari_setup, "_STATE", {"answer": (False, "no screen")})
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert napari_setup.napari_or_skip() is False
        assert capsys.readouterr().out.strip().count("\n") == 0
        shell.run_cell("import napari\nviewer = napari.Viewer()")  # skipped: it would need a screen
        assert "viewer" not in shell.user_ns
        shell.run_cell("total = 1 + 1")  # the rest runs
        assert shell.user_ns["total"] == 2
    finally:
        shell.input_transformers_cleanup.remove(napari_setup._skip_viewer_cells)
        InteractiveShell.clear_instance()
