"""Figures laid out again for a phone (cellseg_course.figures.phone_figure) and shown by the book."""

import base64
import io

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from cellseg_course.figures import PHONE_MIME, _figure_bundle, phone_figure, text_sizes  # noqa: E402
from cellseg_course.learner_book import FIGURE_PAIR, _picture  # noqa: E402
from cellseg_course.phone_figures import PHONE_MEDIA, PhoneFigures  # noqa: E402

PHONE_SCREEN = 358  # CSS px of a 390 px phone's page column


def _row_of_panels(n=3):
    fig, axes = plt.subplots(1, n, figsize=(9, 3), layout="constrained")
    for ax in axes:
        ax.imshow([[0, 1], [1, 0]])
        ax.set_title("panel", fontsize=8)
        ax.plot([0, 1], [0, 1], label="first line")
        ax.plot([0, 1], [1, 0], label="second line")
    axes[0].legend(ncols=2)
    fig.colorbar(axes[0].images[0], ax=axes[0], label="intensity")
    return fig


def test_a_row_of_panels_is_stacked_and_its_text_readable_on_a_phone():
    fig = _row_of_panels()
    before = fig.get_size_inches().copy()
    png, smallest = phone_figure(fig)
    width, height = Image.open(io.BytesIO(png)).size
    assert height > 2 * width  # three panels one under the other
    shown = min(width, PHONE_SCREEN)
    assert smallest * shown / width >= 8  # the smallest text, in CSS px on the phone
    # the same points as the desktop figure's smallest text, at the phone rendering's 150 dpi
    assert smallest == pytest.approx(text_sizes(fig, page_width=10**6)["texts"][0][0] * 150 / fig.dpi, abs=0.01)
    desktop = text_sizes(fig, page_width=PHONE_SCREEN)
    assert desktop["texts"][0][0] < 8  # the desktop figure, shrunk to the phone, would not be readable
    assert (fig.get_size_inches() == before).all() and fig.axes[0].get_legend()._ncols == 2  # untouched
    plt.close(fig)


def test_the_figure_bundle_carries_both_renderings():
    fig = _row_of_panels(2)
    bundle = _figure_bundle(fig, "ZGVza3RvcA==")
    assert bundle["image/png"] == "ZGVza3RvcA=="
    data = bundle[PHONE_MIME]
    assert data["desktop"] == "ZGVza3RvcA==" and data["phone_text_px"] > data["desktop_text_px"] * 0.5
    assert base64.b64decode(data["phone"])[:4] == b"\x89PNG"
    plt.close(fig)


def test_the_book_plugin_takes_only_its_own_type():
    class Data:
        mime_type, content = "image/png", "abc"

    assert PhoneFigures.handle_mime(None, Data(), False) is None
    assert ("html", PHONE_MIME, 1) in PhoneFigures.mime_priority_overrides


def test_the_two_images_become_one_picture():
    page = ('<img alt="A" class="cellseg-figure-desktop cellseg-text-1389" src="../_images/d.png" />\n'
            '<img alt="A" class="cellseg-figure-phone cellseg-text-2083" src="../_images/p.png" />')
    html = FIGURE_PAIR.sub(_picture, page)
    assert html.count("<img") == 1 and html.startswith("<picture>") and html.endswith("</picture>")
    assert f'<source media="{PHONE_MEDIA}" srcset="../_images/p.png">' in html
    assert 'data-text-px="13.89"' in html and 'data-phone-text-px="20.83"' in html
