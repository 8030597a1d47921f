"""napari in the course: find (or start) a screen for it, and skip its cells where it cannot run.

napari is an optional extra (``pip install "cellseg[napari]"``). It draws with OpenGL
through Qt, so it needs a screen: a desktop has one; a server or a CI machine has none,
and Qt's ``offscreen`` platform has no OpenGL, so ``viewer.screenshot()`` fails there.
Where ``Xvfb`` (a virtual X screen) is installed, :func:`find_display` starts one and
points Qt at it: the book's screenshots are made that way, headless. Whether Qt can
start is tried in a child process first, because Qt aborts the whole process (a notebook's
kernel) when it cannot open its screen.

- :func:`find_display`: ``(True, how)`` or ``(False, why)``; starts Xvfb if needed;
- :func:`napari_or_skip`: the set-up cell of the napari lesson; where napari cannot run
  it prints one line and makes every later cell that uses the viewer skip itself.
"""

import atexit
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys

__all__ = ["VIEWER_CODE", "find_display", "napari_or_skip", "start_xvfb"]

#: a cell whose code names napari, a viewer or a layer (``labels_layer`` ...) needs napari
VIEWER_CODE = re.compile(r"\b(napari|viewer|\w+_layer)\b")

#: can Qt open a window with OpenGL here? (run in a child process: Qt aborts when it cannot)
_QT_PROBE = """
from qtpy.QtGui import QOpenGLContext, QOffscreenSurface
from qtpy.QtWidgets import QApplication
app = QApplication([])
context = QOpenGLContext()
surface = QOffscreenSurface()
surface.create()
ok = context.create() and context.makeCurrent(surface)
print("opengl" if ok else "no-opengl", app.platformName())
"""

_XVFB = []  #: the Xvfb this process started, if any
_STATE = {}  #: the answer of find_display, computed once per process


def start_xvfb(*, size="1280x1024x24", timeout=10):
    """Start a virtual X screen (Xvfb) on a free display number; return its name (":N").

    The server stops when this process ends. Raises ``FileNotFoundError`` without Xvfb.
    """
    exe = shutil.which("Xvfb")
    if exe is None:
        raise FileNotFoundError("Xvfb is not installed (Debian/Ubuntu: sudo apt install xvfb)")
    read, write = os.pipe()
    process = subprocess.Popen(
        [exe, "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:
        import select

        while not number.endswith(b"\n"):
            ready, _, _ = select.select([pipe], [], [], timeout)
            chunk = pipe.read1(16) if ready else b""
            if not chunk:
                process.kill()
                raise RuntimeError("Xvfb did not start")
            number += chunk
    _XVFB.append(process)
    atexit.register(_stop, process)
    return f":{int(number)}"


def _die_with_parent():
    """In the child, before Xvfb starts: end it when the process that started it ends (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux: atexit still stops it
        pass


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


def _probe(env):
    try:
        result = subprocess.run([sys.executable, "-c", _QT_PROBE], env=env, capture_output=True, text=True,
                                timeout=60)
    except subprocess.TimeoutExpired:
        return False, "Qt did not start within a minute"
    words = result.stdout.split()
    if result.returncode == 0 and words[:1] == ["opengl"]:
        return True, words[1]
    if words[:1] == ["no-opengl"]:
        return False, f"Qt's {words[1]} platform has no OpenGL"
    screen = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    return False, "Qt could not open a window" + ("" if screen else " (DISPLAY is not set)")


def find_display():
    """Make sure napari can open a window with OpenGL here; return ``(ok, how or why)``.

    Uses the screen there is (``DISPLAY``, or Wayland, macOS, Windows); on Linux without one
    it starts Xvfb if installed. The answer is computed once per process; it sets
    ``DISPLAY`` and ``QT_QPA_PLATFORM`` for this process (and its children) when it
    starts Xvfb.
    """
    if "answer" in _STATE:
        return _STATE["answer"]
    if importlib.util.find_spec("napari") is None:
        answer = (False, 'napari is not installed (pip install "cellseg[napari]")')
    else:
        env = dict(os.environ)
        ok, how = _probe(env)
        if not ok and sys.platform.startswith("linux") and shutil.which("Xvfb"):
            try:
                display = start_xvfb()
            except (OSError, RuntimeError) as error:
                how = f"{how}; and Xvfb did not start ({error})"
            else:
                env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
                ok, why = _probe(env)
                if ok:
                    # Nobody sees a virtual screen, so a kernel needs no Qt event loop (%gui qt)
                    # either; with one, ipykernel 7 sometimes stops answering while a cell runs.
                    os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", NAPARI_APPLICATION_IPY_INTERACTIVE="0")
                    how = f"a virtual screen (Xvfb {display})"
                else:
                    how = f"{how}; under Xvfb: {why}"
        elif not ok:
            how += "; installing Xvfb (Debian: apt install xvfb) gives napari a virtual screen"
        answer = (ok, how)
    _STATE["answer"] = answer
    return answer


def _skip_viewer_cells(lines):
    """An IPython input transformer: a cell that uses the viewer becomes a no-op."""
    if VIEWER_CODE.search("".join(lines)):
        return ["pass\n"]
    return lines


def napari_or_skip():
    """The set-up of a lesson that uses napari: True if napari can run here.

    Otherwise prints one line saying why, and from then on every cell whose code names
    napari, a viewer or a ``..._layer`` is skipped (the rest of the notebook still runs).
    """
    ok, how = find_display()
    if ok:
        return True
    print(f"napari cannot run here: {how}. The cells that use the viewer are skipped.")
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - outside IPython there are no cells to skip
        return False
    shell = get_ipython()
    if shell is not None and _skip_viewer_cells not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(_skip_viewer_cells)
    return False
