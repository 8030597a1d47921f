"""JupyterLab for the tests: start a server headless, open a notebook in Chromium, stop it all.

    with lab.Lab(folder) as server:                   # jupyter lab in folder, own settings
        with lab.browser() as page:                   # Playwright's sync API, system Chromium
            lab.open_notebook(page, server, "lessons/pipeline.ipynb")
            text = lab.rendered_markdown(page)        # every rendered text cell
            lab.run_all(page)                         # run every cell, wait for the kernel

The server listens on a free port of 127.0.0.1 with a random token, in a process group of its
own; leaving the ``with`` block stops the server, its kernels and everything they started.
Its settings, workspaces and runtime files live in a temporary folder, so nothing of a
developer's own JupyterLab (or of the learner's workspace) is read or changed. ``command``
starts something else that runs a Jupyter server (for example ``course.py lab``); the
harness adds the port, the token and ``--no-browser`` to it.
"""

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import book_browser  # find_chromium, CHROMIUM_ARGS (tests/browser/book_browser.py)
from cellseg_course.labcheck import KERNEL_READY, LAB_SETTINGS, free_port

START_TIMEOUT = 60  #: seconds for the server to answer
#: user settings for the tests: course.py lab's (no news, no update check, the notebook's own
#: kernel without a question), and every cell in the page (JupyterLab 4 otherwise renders only
#: the cells in view, and a test reads the whole notebook)
TEST_SETTINGS = {**LAB_SETTINGS, "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
                 {**LAB_SETTINGS["@jupyterlab/notebook-extension/tracker.jupyterlab-settings"],
                  "windowingMode": "none"}}


def jupyter_executable():
    """The ``jupyter`` of the Python that runs the tests (the course's .venv)."""
    exe = Path(sys.executable).with_name("jupyter.exe" if os.name == "nt" else "jupyter")
    return str(exe) if exe.exists() else "jupyter"


def write_settings(folder, settings=TEST_SETTINGS):
    """Write JupyterLab user settings (plugin file -> dict) into ``folder``."""
    for name, values in settings.items():
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


class Lab:
    """A JupyterLab server on ``root`` for one test; use it as a context manager."""

    def __init__(self, root, *, command=None, env=None, settings=TEST_SETTINGS, cwd=None):
        self.root = Path(root)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}/"
        self._home = tempfile.TemporaryDirectory(prefix="lab-harness-")
        home = Path(self._home.name)
        self.env = dict(os.environ if env is None else env)
        self.env.pop("MPLBACKEND", None)  # kernels use matplotlib's inline backend
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                         ("IPYTHONDIR", "ipython")):
            self.env[var] = str(home / sub)
        write_settings(home / "settings", settings)
        base = command or [jupyter_executable(), "lab", f"--ServerApp.root_dir={self.root}"]
        self.command = [str(c) for c in base] + [
            "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run commands by name
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in self.command:
            self.command.append("--allow-root")
        self.cwd = cwd or self.root
        self.process = None
        self.log = home / "server.log"

    def start(self, timeout=START_TIMEOUT):
        """Start the server and wait until its API answers; raise with its log if it does not."""
        self._log = open(self.log, "w", encoding="utf-8")
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.api("status"), timeout=2) as reply:
                    if reply.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{self.output()}")

    def api(self, path):
        return f"{self.url}api/{path}?token={self.token}"

    def get(self, path):
        """GET ``/api/<path>`` as JSON."""
        with urllib.request.urlopen(self.api(path), timeout=10) as reply:
            return json.loads(reply.read())

    def notebook_url(self, path):
        """The address that opens ``path`` (relative to the root) in JupyterLab."""
        return f"{self.url}lab/tree/{Path(path).as_posix()}?token={self.token}"

    def output(self):
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log.exists() else ""

    def pids(self):
        """The server's process and every process it started (kernels), while they live."""
        import psutil

        try:
            top = psutil.Process(self.process.pid)
            return [top.pid] + [c.pid for c in top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self, grace=10):
        """Stop the server's whole process group (server and kernels); wait for it."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM) if os.name != "nt" else self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL) if os.name != "nt" else self.process.kill()
                self.process.wait()
        if os.name != "nt" and self.process is not None:  # kernels left in the group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self._home.cleanup()


@contextlib.contextmanager
def browser(chromium=None, viewport=book_browser.DESKTOP):
    """A Playwright page (sync API) in the system's Chromium; only loopback requests are served."""
    from playwright.sync_api import sync_playwright

    chromium = chromium or book_browser.find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium found: install one or set CELLSEG_CHROMIUM")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=book_browser.CHROMIUM_ARGS)
        try:
            context = instance.new_context(viewport=viewport)
            context.route("**/*", lambda route: route.continue_() if book_browser.is_local(route.request.url)
                          else route.abort())
            page = context.new_page()
            page.set_default_timeout(book_browser.TIMEOUT_MS)
            yield page
        finally:
            instance.close()


def open_notebook(page, server, path, *, kernel=True):
    """Open ``path`` in JupyterLab and wait until its cells are shown (and its kernel is idle)."""
    page.goto(server.notebook_url(path))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=45_000)
    select = page.locator(".jp-Dialog button.jp-mod-accept")  # "Select Kernel" (settings other than ours)
    if kernel and select.count():
        select.first.click()
    if kernel:
        wait_idle(page)


def wait_idle(page, timeout=60_000):
    """Wait until the open notebook's kernel is connected and idle (the status bar's "Idle"
    shows before the kernel is connected: a cell run then is lost)."""
    page.wait_for_function(KERNEL_READY, timeout=timeout)


def rendered_markdown(page):
    """The text of every rendered text (markdown) cell of the open notebook, in order."""
    page.wait_for_selector(".jp-MarkdownCell .jp-RenderedMarkdown")
    return page.eval_on_selector_all(".jp-MarkdownCell .jp-RenderedMarkdown", "els => els.map(e => e.innerText)")


def run_all(page, timeout=120_000):
    """Run every cell of the open notebook (menu Run > Run All Cells) and wait for the kernel."""
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click()
    page.keyboard.press("Escape")
    # not awaited: the command's promise may outlive the run
    page.evaluate("() => { window.jupyterapp && window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    if not page.evaluate("() => Boolean(window.jupyterapp)"):
        page.get_by_role("menuitem", name="Run").click()
        page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_timeout(500)
    wait_idle(page, timeout)
