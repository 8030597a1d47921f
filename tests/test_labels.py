"""Label-image checks, types, safe conversion and lossless storage (cellseg.labels)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from skimage.measure import label
from skimage.segmentation import relabel_sequential

from cellseg.labels import (
    cast_labels,
    check_label_image,
    describe_labels,
    label_capacity,
    load_labels,
    save_labels,
    smallest_label_dtype,
)

# ---------------------------------------------------------------- check_label_image


def test_check_accepts_integer_labels_unchanged():
    lab = np.array([[0, 1], [2, 2]], dtype=np.uint16)
    out = check_label_image(lab)
    assert out.dtype == np.uint16
    np.testing.assert_array_equal(out, lab)


def test_check_turns_a_mask_into_one_object():
    out = check_label_image(np.array([[True, False]]))
    assert out.dtype == np.uint8
    assert out.tolist() == [[1, 0]]


def test_check_rejects_a_float_in_disguise_and_says_how_to_convert():
    with pytest.raises(ValueError, match=r"whole numbers.*astype\(np.int32\)"):
        check_label_image(np.array([[0.0, 1.0, 2.0]]))


def test_check_rejects_blended_float_labels():
    with pytest.raises(ValueError, match="fractional values"):
        check_label_image(np.array([[0.0, 1.5]]))


def test_check_rejects_negative_labels():
    with pytest.raises(ValueError, match="negative"):
        check_label_image(np.array([[0, -1]]))


def test_check_rejects_non_numeric_and_wrong_ndim():
    with pytest.raises(TypeError):
        check_label_image(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="2-D or 3-D"):
        check_label_image(np.zeros(4, dtype=int), ndim=(2, 3))


# ---------------------------------------------------------------- capacity and types


def test_capacity_worked_by_hand():
    # b unsigned bits hold 0 .. 2**b - 1, so 2**b - 1 objects; signed types half as many.
    assert label_capacity(np.uint8) == 2**8 - 1
    assert label_capacity(np.uint16) == 2**16 - 1
    assert label_capacity(np.uint32) == 2**32 - 1
    assert label_capacity(np.int8) == 2**7 - 1
    assert label_capacity(np.int32) == 2**31 - 1
    assert label_capacity(bool) == 1


def test_capacity_rejects_float_types():
    with pytest.raises(ValueError, match="integer type"):
        label_capacity(np.float32)
    with pytest.raises(TypeError, match="dtype"):
        label_capacity("not a type")


@pytest.mark.parametrize(
    "n, expected",
    [(0, np.uint8), (100, np.uint8), (255, np.uint8), (256, np.uint16), (1000, np.uint16),
     (65535, np.uint16), (65536, np.uint32), (2**32, np.uint64)],
)
def test_smallest_dtype_worked_by_hand(n, expected):
    assert smallest_label_dtype(n) == np.dtype(expected)


def test_smallest_dtype_bad_input():
    with pytest.raises(ValueError, match="at least 0"):
        smallest_label_dtype(-1)
    with pytest.raises(ValueError, match="does not fit"):
        smallest_label_dtype(2**64)
    with pytest.raises(TypeError):
        smallest_label_dtype(2.5)


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_smallest_dtype_is_smallest_that_holds_n(n):
    dt = smallest_label_dtype(n)
    assert label_capacity(dt) >= n
    smaller = [t for t in (np.uint8, np.uint16, np.uint32) if np.dtype(t).itemsize < dt.itemsize]
    assert all(label_capacity(t) < n for t in smaller)


# ---------------------------------------------------------------- cast_labels


def test_astype_wraps_around_but_cast_labels_refuses():
    lab = np.array([[0, 1, 300]], dtype=np.int64)
    wrapped = lab.astype(np.uint8)
    assert wrapped.tolist() == [[0, 1, 300 - 256]]  # label 300 silently became 44
    with pytest.raises(ValueError, match="wrap around"):
        cast_labels(lab, dtype=np.uint8)


def test_cast_labels_default_picks_the_smallest_type_and_keeps_values():
    lab = np.array([[0, 7], [1000, 7]], dtype=np.int64)
    out = cast_labels(lab)
    assert out.dtype == np.uint16
    np.testing.assert_array_equal(out, lab)


def test_cast_labels_rejects_float_target_and_float_input():
    with pytest.raises(ValueError, match="integer type"):
        cast_labels(np.array([[0, 1]]), dtype=np.float32)
    with pytest.raises(ValueError, match="floating-point"):
        cast_labels(np.array([[0.0, 1.0]]))


@settings(max_examples=40, deadline=None)
@given(arrays(np.int64, (5, 6), elements=st.integers(0, 70000)))
def test_cast_labels_never_changes_a_label(lab):
    out = cast_labels(lab)
    np.testing.assert_array_equal(out.astype(np.int64), lab)
    assert out.dtype.kind == "u"


# ---------------------------------------------------------------- describe_labels


def test_describe_worked_example_with_gaps():
    lab = np.array([[0, 1, 1, 0], [0, 0, 0, 9], [4, 0, 0, 9]], dtype=np.int32)
    s = describe_labels(lab)
    assert s["n_objects"] == 3  # labels 1, 4 and 9
    assert s["max_label"] == 9
    assert s["sequential"] is False
    assert s["dtype"] == "int32"
    assert s["nbytes"] == 12 * 4
    assert s["smallest_dtype"] == "uint8"
    seq, _, _ = relabel_sequential(lab)
    s2 = describe_labels(seq)
    assert (s2["n_objects"], s2["max_label"], s2["sequential"]) == (3, 3, True)


def test_describe_background_only():
    s = describe_labels(np.zeros((3, 3), dtype=np.uint8))
    assert (s["n_objects"], s["max_label"], s["sequential"]) == (0, 0, True)


def test_describe_counts_components_of_skimage_label():
    mask = np.zeros((7, 7), bool)
    mask[0:2, 0:2] = True
    mask[4:7, 4:7] = True
    mask[0, 6] = True
    assert describe_labels(label(mask))["n_objects"] == 3


# ---------------------------------------------------------------- save / load


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.int32, np.int64])
def test_tiff_round_trip_keeps_values_and_dtype(tmp_path, dtype):
    rng = np.random.default_rng(3)
    top = min(label_capacity(dtype), 100000)
    lab = rng.integers(0, top, size=(4, 9, 11), endpoint=True).astype(dtype)
    path = tmp_path / "labels.tif"
    save_labels(path, lab)
    back = load_labels(path)
    assert back.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back, lab)


def test_save_compact_uses_the_smallest_type(tmp_path):
    lab = np.zeros((6, 6), dtype=np.int64)
    lab[1:3, 1:3] = 1
    lab[4:, 4:] = 300
    path = tmp_path / "labels.tiff"
    save_labels(path, lab, compact=True)
    back = load_labels(path, ndim=2)
    assert back.dtype == np.uint16
    np.testing.assert_array_equal(back, lab)
    assert path.stat().st_size > 0


def test_save_refuses_lossy_or_unknown_formats_and_bad_labels(tmp_path):
    lab = np.ones((3, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="JPEG is lossy"):
        save_labels(tmp_path / "labels.jpg", lab)
    with pytest.raises(ValueError, match="floating-point"):
        save_labels(tmp_path / "labels.tif", lab.astype(float))
    assert not (tmp_path / "labels.tif").exists()


def test_load_rejects_a_float_tiff(tmp_path):
    import tifffile

    path = tmp_path / "float.tif"
    tifffile.imwrite(path, np.array([[0.0, 1.0]], dtype=np.float32))
    with pytest.raises(ValueError, match="float.tif has floating-point dtype"):
        load_labels(path)


@pytest.mark.parametrize("value", [np.array(3), np.uint64(2**63), 0])
def test_check_label_image_refuses_a_single_number(value):
    with pytest.raises(ValueError, match="single number.*not an image"):
        check_label_image(value)


# --- reproducers of issue 18


@pytest.mark.parametrize("compact", ["False", 1, None])
def test_save_labels_compact_is_a_real_bool(tmp_path, compact):
    from cellseg.labels import save_labels

    with pytest.raises(TypeError, match="compact must be True or False"):
        save_labels(tmp_path / "x.tif", np.ones((2, 2), np.uint16), compact=compact)


def test_ragged_labels_get_the_course_message():
    with pytest.raises(ValueError, match="labels must be one rectangular array"):
        check_label_image([[1, 2], [3]])


@pytest.mark.parametrize("ndim", ["2", 2.5, 10**12, (2, None)])
def test_ndim_is_checked(ndim):
    with pytest.raises((TypeError, ValueError), match="ndim"):
        check_label_image(np.ones((2, 2), int), ndim=ndim)
