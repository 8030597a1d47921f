"""``course.py lab`` on the real course: the learner's workspace holds the lessons and exercises,
they read like the book in JupyterLab (in Chromium), their links resolve, a learner's work is
kept, and Ctrl-C or a closed terminal stops JupyterLab and its kernels.

These start JupyterLab: they run once per test command, in its second step, beside the book's
build (markers ``book`` and ``own_build``), where the notebooks' executions of the first step
fill in the lessons' numbers. Run alone, the workspace runs each lesson once to fill them in
(and keeps the executions in _build/.jupyter_cache for the next time).
"""

import hashlib
import json
import os
import re
import signal
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient

import notebooks  # tools/notebooks.py
from cellseg_course import live

pytestmark = [pytest.mark.book, pytest.mark.own_build, pytest.mark.lab]


def _sources(root):
    files = sorted(p for d in ("lessons", "exercises", "solutions") for p in (root / d).iterdir() if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def workspace(root, course, tmp_path_factory):
    """The learner's workspace as ``course.py lab`` fills it (the first time)."""
    before = _sources(root)
    folder = tmp_path_factory.mktemp("lab") / "workspace"
    done = course.fill_workspace(folder)
    assert _sources(root) == before  # filling never touches the course
    return folder, done


def _links(folder):
    found = []
    for path in folder.rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
                    if not re.match(r"^[a-z]+:", target):
                        found.append((str(path.relative_to(folder)), target,
                                      (path.parent / target.split("#")[0]).exists()))
    return found


def test_the_workspace_holds_the_lessons_and_exercises_and_its_links_resolve(root, workspace):
    folder, done = workspace
    pages = live.course_pages(root)
    expected = sorted(f"{kind}/{p.name}" for kind in ("lessons", "exercises") for p in pages[kind])
    assert sorted(done["new"]) == expected and not (folder / "solutions").exists()
    links = _links(folder)
    lesson_to_exercise = [x for x in links if x[0].startswith("lessons/") and "exercises/" in x[1]]
    exercise_to_lesson = [x for x in links if x[0].startswith("exercises/") and "lessons/" in x[1]]
    assert len(lesson_to_exercise) >= len(pages["exercises"]) and exercise_to_lesson
    assert [x for x in links if not x[2]] == []
    for path in folder.rglob("*.ipynb"):
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        for markup in ("{glue", "{term}", "{cite", ":::"):
            assert markup not in text, (path.name, markup)


def test_a_learners_work_stays_in_the_workspace(root, course, workspace):
    folder, _ = workspace
    path = folder / "exercises" / "do-the-math.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "smoothed_peak = ..." in c.source)
    cell.source = cell.source.replace("smoothed_peak = ...  # your answer", "smoothed_peak = 0.75")
    nb.cells.append(nbformat.v4.new_code_cell("1 / 0  # half-finished work"))
    nbformat.write(nb, path)
    edited = path.read_bytes()
    assert course.fill_workspace(folder) == {"new": [], "updated": [], "kept": [], "moved": []}
    assert path.read_bytes() == edited
    # the notebook runs in the workspace: the checker answers, the learner's own error is theirs
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    out = "\n".join(o.get("text", "") + o.get("ename", "") + json.dumps(o.get("data", {}))
                    for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "you added the widths" in out and "ZeroDivisionError" in out
    assert notebooks.out_of_date() == []


def _course_lab(root, folder, *extra):
    import lab  # tests/browser/lab.py

    return lab.Lab(folder, command=[sys.executable, str(root / "course.py"), "lab", "--workspace", str(folder),
                                    *extra], cwd=root)


def _alive(pids):
    import psutil

    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _start_kernel(server):
    import urllib.request

    request = urllib.request.Request(server.api("kernels"), data=b'{"name": "python3"}', method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())["id"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("how", ["SIGHUP", "SIGINT"])
def test_closing_the_terminal_or_ctrl_c_stops_jupyterlab_and_its_kernels(root, course, workspace, how):
    """SIGHUP is what course.py gets when its terminal closes, SIGINT what Ctrl-C sends it."""
    folder, _ = workspace
    with _course_lab(root, folder) as server:
        _start_kernel(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("ipykernel" in " ".join(_cmdline(p)) for p in server.pids()):
            time.sleep(0.2)
        started = server.pids()
        assert any("ipykernel" in " ".join(_cmdline(p)) for p in started), server.output()
        assert any("--allow-root" in _cmdline(p) for p in started) == course.running_as_root()
        server.process.send_signal(getattr(signal, how))  # to course.py alone, as the terminal does
        server.process.wait(30)
        time.sleep(1)
        assert _alive(started) == [], f"left running after {how}: {_alive(started)}\n{server.output()}"
        # the whole log: under load the server and a kernel still starting log more than
        # output()'s last 4000 characters after this line
        assert "stopping JupyterLab" in server.log.read_text(encoding="utf-8", errors="replace")


def _cmdline(pid):
    import psutil

    try:
        return psutil.Process(pid).cmdline()
    except psutil.NoSuchProcess:
        return []


def test_lab_and_sources_keep_separate_layouts_and_no_news(root, course, tmp_path):
    """Each mode has its own layouts (workspaces) and settings, with the news question off."""
    learner = course.lab_state(tmp_path / "ws" / ".jupyterlab")
    author = course.lab_state(tmp_path / "sources")
    assert learner != author
    for options in (learner, author):
        settings = dict(o.split("=", 1) for o in options)
        news = json.loads((tmp_path / settings["--LabApp.user_settings_dir"] /
                           "@jupyterlab/apputils-extension/notification.jupyterlab-settings").read_text())
        assert news == {"fetchNews": "false", "checkForUpdates": False}
    # a learner's own change to the settings stays
    path = tmp_path / "sources" / "settings" / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    path.write_text('{"fetchNews": "true"}')
    course.lab_state(tmp_path / "sources")
    assert path.read_text() == '{"fetchNews": "true"}'


def test_a_lesson_in_the_workspace_reads_like_the_book_in_jupyterlab(root, workspace):
    """Opened in JupyterLab in Chromium, a lesson shows its numbers, admonitions and terms, no markup."""
    import book_browser
    import lab

    chromium = book_browser.find_chromium()
    if chromium is None:
        pytest.skip("no Chromium: install one (Debian: apt-get install chromium) or set CELLSEG_CHROMIUM")
    folder, _ = workspace
    lesson, expected = _first_glued_sentence(root)
    # every cell in the page (JupyterLab 4 draws only those near the view by default)
    lab.write_settings(folder / ".jupyterlab" / "settings",
                       {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}})
    count = sum(c.cell_type == "markdown" and bool(c.source.strip())
                for c in nbformat.read(folder / "lessons" / lesson.name, as_version=4).cells)
    with _course_lab(root, folder) as server, lab.browser(chromium) as page:
        lab.open_notebook(page, server, f"lessons/{lesson.name}", kernel=False)
        texts = _all_markdown(page, count)
        shown = " ".join(" ".join(texts).split())
        assert expected in shown, (expected, shown[:2000])
        for markup in ("{glue", "{term}", "{cite", ":::", "{admonition}"):
            assert markup not in shown
        source = live._markdown_of(nbformat.read(lesson, as_version=4))
        admonitions = len(re.findall(r"^:::+\{(admonition|note)\}", source, re.M))
        assert page.locator(".jp-MarkdownCell blockquote > p > strong").count() >= admonitions
        if "{term}" in source:
            assert page.locator(".jp-MarkdownCell abbr[title]").count() >= 1
        assert page.locator(".jp-Notification-Toast, .jp-toast-message").count() == 0  # no news question
        lab.wait_idle(page)
        page.wait_for_timeout(500)
        assert page.locator(".jp-mod-dirty").count() == 0  # opening it changed nothing (no save question)


def _all_markdown(page, count):
    """The text of the open notebook's ``count`` text cells, once JupyterLab has rendered them all."""
    page.wait_for_function(
        """n => [...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')]
                   .filter(e => e.innerText.trim()).length >= n""", arg=count, timeout=60_000)
    return page.eval_on_selector_all(".jp-MarkdownCell .jp-RenderedMarkdown", "els => els.map(e => e.innerText)")


def _first_glued_sentence(root):
    """A lesson of the course and the words of its first glued number as the reader sees them."""
    for lesson in live.course_pages(root)["lessons"]:
        nb = nbformat.read(lesson, as_version=4)
        match = re.search(r"([A-Za-z][A-Za-z ,]{12,})\{glue:text\}`([^`]+)`", live._markdown_of(nb))
        if not match:
            continue
        executed = live.cached_execution(nb, [root / c for c in live.CACHES])
        assert executed is not None, f"{lesson.name}: no execution cached (the workspace fixture runs one)"
        values = live.glue_values(executed)
        name, _, fmt = match[2].partition(":")
        words = " ".join(match[1].split()[-3:])
        return lesson, f"{words} {live._text(values[name], fmt)}".replace("  ", " ")
    raise AssertionError("no lesson glues a number into its text")


# --------------------------------------------------------------------------- course.py check


@pytest.mark.parametrize("browser", [True, False])
def test_check_starts_jupyterlab_and_shows_a_slider(root, monkeypatch, capsys, browser):
    """With a Chromium the slider is drawn and read; without one, the widgets extension and the
    slider's model are checked. Either way the server and its kernels are gone afterwards."""
    import book_browser
    import psutil

    from cellseg_course import labcheck

    if browser and book_browser.find_chromium() is None:
        pytest.skip("no Chromium: install one (Debian: apt-get install chromium) or set CELLSEG_CHROMIUM")
    if not browser:
        monkeypatch.setenv("CELLSEG_CHROMIUM", "/no/chromium/here")
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    assert labcheck.main() == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert out.startswith("JupyterLab showed a slider (") and ("drawn in Chromium" in out) == browser
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE]
    assert left == [], [p.cmdline()[:3] for p in left]


def test_check_says_in_one_line_when_jupyterlab_shows_no_slider(monkeypatch, capsys):
    from cellseg_course import labcheck

    monkeypatch.setenv("CELLSEG_CHROMIUM", "/no/chromium/here")
    monkeypatch.setattr(labcheck, "SLIDER_CODE", "import ipywidgets\nipywidgets.Text('no slider')")
    assert labcheck.main() == 1
    err = capsys.readouterr().err.strip()
    assert err == "RuntimeError: the kernel made no slider"
