"""The click annotator's Python side: the scoring rule, the page's payload and the widget."""

import json
import re

import numpy as np
import pytest

import cellseg
from cellseg_course.annotation import click_scores, inner_points, point_annotator, run_lengths, static_annotator


def _labels():
    truth = np.zeros((20, 30), int)
    truth[2:8, 2:9] = 11
    truth[10:18, 12:20] = 4
    truth[3:9, 20:28] = 30
    truth[3:9, 28:30] = 31  # a sliver at the edge, touching 30
    return truth


def test_click_scores_counts_hits_repeats_and_background():
    truth = _labels()
    s = click_scores(truth, [[5, 5], [6, 6], [0, 0], [14, 15]])
    assert (s["hits"], s["repeats"], s["background"], s["n_objects"]) == (2, 1, 1, 4)
    assert s["precision"] == 0.5 and s["recall"] == 0.5
    empty = click_scores(truth, np.zeros((0, 2)))
    assert empty["precision"] == 1.0 and empty["recall"] == 0.0


def test_click_scores_agrees_with_one_object_per_point_when_every_nucleus_is_hit_once():
    truth = _labels()
    points = inner_points(np.unique(truth, return_inverse=True)[1].reshape(truth.shape))
    s = click_scores(truth, points)
    assert s["precision"] == s["recall"] == 1.0
    assert cellseg.one_object_per_point(truth, points)


def test_run_lengths_round_trip():
    truth = _labels()
    runs = np.array(run_lengths(truth)).reshape(-1, 2)
    assert runs[:, 1].sum() == truth.size and (runs[1:, 0] != runs[:-1, 0]).all()
    assert np.array_equal(np.repeat(runs[:, 0], runs[:, 1]).reshape(truth.shape), truth)


def test_inner_points_lie_inside_their_own_object_even_in_a_crescent():
    yy, xx = np.mgrid[:60, :60]
    crescent = ((yy - 30) ** 2 + (xx - 30) ** 2 <= 20**2) & ((yy - 30) ** 2 + (xx - 36) ** 2 > 18**2)
    labels = crescent.astype(int)
    labels[2:6, 2:6] = 2
    (r, c), _ = inner_points(labels)
    assert labels[r, c] == 1
    centroid = np.argwhere(crescent).mean(axis=0).round().astype(int)
    assert labels[tuple(centroid)] == 0  # the centroid would have missed it


def test_the_page_embeds_the_renumbered_annotation_and_a_point_inside_each_nucleus():
    truth = _labels()
    page = static_annotator(truth * 1.0, truth, name="A test")._repr_html_()
    assert 'id="cellseg-annotator-a-test"' in page and 'aria-live="polite"' in page
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page, re.S).group(1))
    runs = np.array(data["labels"]).reshape(-1, 2)
    shown = np.repeat(runs[:, 0], runs[:, 1]).reshape(data["shape"])
    assert data["n"] == 4 and np.array_equal(np.unique(shown), np.arange(5))
    assert np.array_equal(shown > 0, truth > 0)
    centres = np.array(data["centres"], int)
    assert shown[tuple(centres.T)].tolist() == [1, 2, 3, 4]
    assert "</script>" not in page.split('<script type="application/json">')[1][:-len("</script>\n</div>")]


def test_static_annotator_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="one shape"):
        static_annotator(np.zeros((4, 4)), np.zeros((4, 5), int), name="x")


def test_the_widget_carries_the_image_and_takes_points():
    widget = point_annotator(np.arange(48.0).reshape(6, 8), width=320)
    assert widget.shape == [6, 8] and widget.width == 320 and widget.points == []
    assert widget.src.startswith("data:image/png;base64,")
    assert "export default" in widget._esm
    widget.points = [[1, 2], [5, 7]]
    assert cellseg.objects_at_points(np.ones((6, 8), int), widget.points).tolist() == [1, 1]
    with pytest.raises(ValueError, match="2-D"):
        point_annotator(np.zeros((2, 3, 4)))
