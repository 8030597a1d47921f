"""Does the click annotator work in JupyterLab with no network? Measure it end to end.

Starts JupyterLab from the course's environment on localhost, opens a notebook that shows
``cellseg_course.annotation.point_annotator`` in the system's Chromium (Playwright) with every
request that would leave the machine refused and recorded, clicks three points on the widget,
runs a cell that prints ``widget.points`` from the kernel, and prints: whether the widget
rendered, the points the kernel received, the seconds each step took, and every refused
request and console error. Not a test (it starts a Jupyter server: tens of seconds).

    .venv/bin/python benchmarks/widget_offline.py
"""

import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import book_browser  # noqa: E402  (find_chromium, CHROMIUM_ARGS, is_local)
from cellseg_course.labcheck import free_port  # noqa: E402

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "import numpy as np\nfrom cellseg_course.annotation import point_annotator\n"
                   "w = point_annotator(np.random.default_rng(0).uniform(size=(64, 64)), width=320)\nw"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "print('POINTS', w.points)"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}
CLICKS = [(16, 16), (32, 48), (60, 4)]  # (row, col) pixels of the 64 x 64 image


async def drive(url, report):
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=book_browser.find_chromium(),
                                          args=book_browser.CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})

        async def refuse(route):
            if book_browser.is_local(route.request.url):
                await route.continue_()
            else:
                report["refused"].append(route.request.url)
                await route.abort("blockedbyclient")

        await context.route("**/*", refuse)
        page = await context.new_page()
        page.on("console", lambda m: m.type == "error" and report["console_errors"].append(m.text))
        page.on("response", lambda r: r.status >= 400 and report["failed_responses"].append(
            f"{r.status} {r.url.split('?')[0]}"))
        tic = time.perf_counter()
        await page.goto(url)
        await page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        await page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
        report["seconds_to_notebook"] = round(time.perf_counter() - tic, 1)
        cells = page.locator(".jp-Notebook .jp-Cell")
        img = page.locator(".jp-OutputArea-output img[src^='data:image/png']").first
        tic = time.perf_counter()
        for attempt in range(3):  # a run sent while the kernel still connects can be lost
            await cells.nth(0).click()
            await page.keyboard.press("Shift+Enter")
            try:
                await img.wait_for(timeout=20_000)
                break
            except Exception:
                report["runs_lost"] = attempt + 1
        else:
            await page.screenshot(path=os.environ.get("SCREENSHOT", "/tmp/widget_offline.png"))
            raise RuntimeError("the widget never showed: see the screenshot")
        report["seconds_to_widget"] = round(time.perf_counter() - tic, 1)
        box = await img.bounding_box()
        for row, col in CLICKS:
            await page.mouse.click(box["x"] + (col + 0.5) / 64 * box["width"],
                                   box["y"] + (row + 0.5) / 64 * box["height"])
        await page.wait_for_timeout(500)
        report["markers_drawn"] = await page.locator(".jp-OutputArea-output svg circle").count()
        await cells.nth(1).click()
        await page.keyboard.press("Shift+Enter")
        out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
        await out.wait_for(timeout=60_000)
        report["kernel_received"] = (await out.text_content()).strip()
        await browser.close()


def main():
    report = {"refused": [], "console_errors": [], "failed_responses": []}
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "annotate.ipynb").write_text(json.dumps(NOTEBOOK))
        jupyter = Path(sys.executable).with_name("jupyter")
        server = subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
             "--LabApp.news_url=None", "--allow-root"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "JUPYTER_NO_CONFIG": "1"},
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                    break
                except OSError:
                    time.sleep(0.5)
            asyncio.run(drive(f"{base}/lab/tree/annotate.ipynb?token={token}", report))
        finally:
            server.terminate()
            server.wait(timeout=30)
    report["clicked"] = str([list(c) for c in CLICKS])
    print(json.dumps(report, indent=2))
    expected = "POINTS " + str([list(c) for c in CLICKS])
    ok = report.get("kernel_received") == expected and not report["refused"]
    print("works offline in JupyterLab:" if ok else "FAILED:", "yes" if ok else report.get("kernel_received"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
