"""Part of ``course.py check``: JupyterLab starts here and shows an ipywidgets slider.

Starts a JupyterLab server headless (127.0.0.1, a free port, a random token, settings and
runtime files in a temporary folder), then, with a Chromium on the machine (and Playwright),
opens a one-cell notebook that makes a slider, runs it and waits for the slider to be drawn
with its value. Without a Chromium it checks what a browser would need: the page JupyterLab
serves loads the widgets extension, and a kernel started by the server makes the slider's
model. The server and its kernels are stopped in every case.

    python -m cellseg_course.labcheck     # exit 0 and one line when it works
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SLIDER_CODE = "import ipywidgets\nipywidgets.IntSlider(value=7, min=0, max=10, description='cells')"
#: as course.py lab sets them: no news question, the notebook's own kernel starts without a question
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True},
}
#: where a Chromium is looked for (CELLSEG_CHROMIUM first); Playwright never downloads one here
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Debian's chromium, no sandbox (CI runs as root), nothing that talks to the network
#: on its own (updates, sync, field trials), no GPU. Headless Chromium also starts a hidden
#: address-bar popup (a WebUI page in a renderer process of its own) for every browser
#: context: about a third of the book walk's CPU time for nothing a page shows, so it is off.
#: The tests' browsers (tests/browser/) start with these arguments too.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
]

KERNEL_READY = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const session = widget && widget.sessionContext && widget.sessionContext.session;
    const kernel = session && session.kernel;
    return Boolean(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle');
}"""  #: the open notebook's kernel is connected and idle (the status bar says idle before it connects)


def find_chromium():
    """The Chromium to use (CELLSEG_CHROMIUM, else the first of CHROMIUM_NAMES), or None."""
    given = os.environ.get("CELLSEG_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    return next((path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lab_server(folder, timeout=45):
    """A JupyterLab server on ``folder``: yields (base url, token, process); stops it after."""
    port, token = free_port(), secrets.token_hex(16)
    home = Path(folder) / ".lab"
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        env[var] = str(home / sub)
    for name, values in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={folder}", "--LabApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "server.log", "w+", encoding="utf-8")
    process = subprocess.Popen(cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=os.name != "nt")
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                tail = log.read()[-1500:]
                raise RuntimeError(f"JupyterLab did not start within {timeout} s: {tail.strip().splitlines()[-1:]}")
            try:
                with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url, token, process
    finally:
        if process.poll() is None:
            process.terminate()  # the server shuts its kernels down
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if os.name != "nt":
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _notebook(folder):
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                                           "language": "python"}})
    nb.cells.append(nbformat.v4.new_code_cell(SLIDER_CODE))
    nbformat.write(nb, Path(folder) / "slider.ipynb")
    return "slider.ipynb"


def in_chromium(chromium, url, token, name):
    """Open the notebook, run it, and return the slider's readout as drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{url}lab/tree/{name}?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell")
            page.wait_for_function(KERNEL_READY, timeout=45_000)
            page.locator(".jp-CodeCell .jp-InputArea-editor").first.click()  # as a learner would
            page.keyboard.press("Shift+Enter")
            try:
                slider = page.wait_for_selector(".jp-OutputArea .widget-slider", state="visible")
            except Exception:
                if os.environ.get("CELLSEG_CHECK_SCREENSHOT"):
                    page.screenshot(path=os.environ["CELLSEG_CHECK_SCREENSHOT"])
                raise
            return slider.inner_text()
        finally:
            browser.close()


def without_browser(url, token):
    """What a browser needs, checked without one: the widgets extension and a slider's model."""
    with urllib.request.urlopen(f"{url}lab?token={token}", timeout=20) as reply:
        page = reply.read().decode("utf-8", "replace")
    if "@jupyter-widgets/jupyterlab-manager" not in page:
        raise RuntimeError("JupyterLab does not load the widgets extension (jupyterlab_widgets)")
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=60)
    try:
        models = []
        kc.execute_interactive(SLIDER_CODE, timeout=60, output_hook=lambda msg: models.append(
            msg["content"].get("data", {}).get("state", {}).get("_model_name")
            if msg["msg_type"] == "comm_open" else None))
        if "IntSliderModel" not in models:
            raise RuntimeError("the kernel made no slider")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return "7"


def main():
    started = time.perf_counter()
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="cellseg-check-") as folder:
        name = _notebook(folder)
        try:
            with lab_server(folder) as (url, token, _):
                try:
                    import playwright  # noqa: F401
                except ImportError:
                    chromium = None
                shown = in_chromium(chromium, url, token, name) if chromium else without_browser(url, token)
        except Exception as error:  # one line for the check's list, never a traceback
            print(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", file=sys.stderr)
            return 1
    if "7" not in shown:
        print(f"the slider shows {shown!r}, not its value 7", file=sys.stderr)
        return 1
    how = "drawn in Chromium" if chromium else "no browser here: extension and slider model checked"
    print(f"JupyterLab showed a slider ({how}) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
