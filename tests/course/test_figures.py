"""The figure-text measurement: the displayed size formula, and the plt.show hook's two modes."""

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from cellseg_course import figures  # noqa: E402


@pytest.fixture
def restore_show():
    show = plt.show
    plt.show = getattr(show, "_cellseg_real_show", show)  # unwatched, whatever the environment set up
    yield
    plt.show = show
    plt.close("all")


def test_a_narrow_figure_is_shown_at_its_own_size():
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.set_title("title", fontsize=12)
    sizes = figures.text_sizes(fig)
    assert sizes["shown_px"] == sizes["width_px"] < figures.PAGE_WIDTH
    assert dict((t, px) for px, t in sizes["texts"])["title"] == pytest.approx(12 * 100 / 72)
    plt.close(fig)


def test_a_wide_figure_is_shrunk_to_the_page():
    fig, ax = plt.subplots(figsize=(14, 3), dpi=100)
    ax.set_title("title", fontsize=10)
    sizes = figures.text_sizes(fig)
    assert sizes["shown_px"] == figures.PAGE_WIDTH < sizes["width_px"]
    expected = 10 * 100 / 72 * figures.PAGE_WIDTH / sizes["width_px"]  # F * D / 72 * 688 / (W * D)
    assert dict((t, px) for px, t in sizes["texts"])["title"] == pytest.approx(expected)
    assert expected < figures.MIN_TEXT_PX
    plt.close(fig)


def test_error_mode_stops_a_figure_with_small_text(restore_show):
    figures.watch_figures("error")
    fig, ax = plt.subplots(figsize=(14, 3))
    ax.set_title("too small once shrunk")
    with pytest.raises(ValueError, match="smaller than 9 px"):
        plt.show()
    plt.close("all")
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.set_title("fine")
    plt.show()  # no error


def test_log_mode_records_every_figure(restore_show, tmp_path):
    log = tmp_path / "figures.jsonl"
    figures.watch_figures(f"log:{log}")
    for width in (6, 14):
        fig, ax = plt.subplots(figsize=(width, 3))
        ax.set_title("t")
        plt.show()
        plt.close("all")
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [bool(r["small"]) for r in records] == [False, True]


def test_bad_mode_is_explained():
    with pytest.raises(ValueError, match="'error' or 'log:PATH'"):
        figures.watch_figures("loud")


def test_every_figure_cell_has_alt_text(root):
    """A cell that shows a figure carries alt text for the HTML (mystnb: image: alt:)."""
    import jupytext

    missing = []
    for path in sorted((root / "lessons").glob("*.md")) + sorted((root / "solutions").glob("*.md")):
        for cell in jupytext.read(path).cells:
            if cell.cell_type == "code" and ("plt.show()" in cell.source or "show_comparison(" in cell.source):
                alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
                if len(alt.split()) < 5:  # a sentence, not a file name
                    missing.append(f"{path.relative_to(root)}: {cell.source.splitlines()[0]}")
    assert not missing, "figure cells without alt text:\n" + "\n".join(missing)
