#!/usr/bin/env python3
"""Set up, build and test the course, one command each.

    python3 course.py build    # set up .venv/, build the HTML book, print the page to open
    python3 course.py test     # set up .venv/ if needed, then run every test

for learners:

    python3 course.py lab      # JupyterLab in workspace/, your own copies of the exercises
    python3 course.py check    # is this computer ready for the workshop? (under a minute)

for instructors:

    python3 course.py build --student      # the book without the solutions
    python3 course.py bundle               # a zip of the exercises to hand out
    python3 course.py bundle --solutions   # ... and of the solutions, to release later

and for authors:

    python3 course.py page lessons/pipeline.md   # rebuild the book, re-running only what changed
    python3 course.py lab --sources              # JupyterLab on the sources themselves

On Windows type ``py`` instead of ``python3``. Only the standard library is used
here, so this file runs with any Python 3.10 or newer; everything else is
installed into ``.venv/`` at the exact versions of ``constraints.txt``.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "cellseg-course-installed.txt"
CONSTRAINTS = ROOT / "constraints.txt"
MIN_PYTHON = (3, 10)
WORKSPACE = ROOT / "workspace"  #: the learner's own copies of the exercises (git-ignored)
BUILD = ROOT / "_build"
#: lines of the build's output that say nothing a user can act on
NOISE = (
    "Kernel is running over TCP without encryption",
    "Jupyter is migrating its paths to use standard platformdirs",
    "by setting the environment variable JUPYTER_PLATFORM_DIRS=1",
    "jupyter --paths",
)


def say(message):
    print(f"[course] {message}", flush=True)


def fail(message):
    print(f"[course] ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def venv_bin(name):
    folder = VENV / ("Scripts" if os.name == "nt" else "bin")
    suffix = ".exe" if os.name == "nt" else ""
    return folder / f"{name}{suffix}"


def course_env():
    """The environment variables for commands of the course's environment."""
    env = dict(os.environ)
    # Prefer the environment's own Jupyter kernel over any kernel a user has
    # installed elsewhere, so notebooks always run with this environment's packages.
    share = str(VENV / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silence a debugger warning in kernels
    # Notebook kernels must use matplotlib's inline backend to show figures: never
    # force a backend on them (MPLBACKEND=Agg would silently drop every figure).
    env.pop("MPLBACKEND", None)
    return env


def run(cmd, **kwargs):
    """Run a command with the course environment; return its exit code."""
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=course_env(), **kwargs)


ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: what a user of the book build needs to see: progress of the notebooks, warnings, errors, the result
BUILD_NEEDS = re.compile(r"Executing notebook|Executed notebook|WARNING|ERROR|rror:|Traceback|Exception"
                         r"|build succeeded|build finished")


def run_quietly(cmd, cwd=ROOT, *, keep=None, log=None):
    """Run a command; pass on its output lines that match ``keep`` (all if None) and not NOISE.

    The whole output is written to ``log`` if given, so nothing is lost. Returns the exit code.
    """
    process = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=course_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace", bufsize=1)
    sink = open(log, "w", encoding="utf-8") if log else None
    try:
        for line in process.stdout:
            if sink:
                sink.write(line)
            plain = ANSI.sub("", line)
            if any(noise in plain for noise in NOISE) or (keep is not None and not keep.search(plain)):
                continue
            print(_progress(plain, cwd), end="", flush=True)
    except KeyboardInterrupt:
        stop(process)
        raise
    finally:
        if sink:
            sink.close()
    return process.wait()


def _progress(line, folder):
    """A notebook-execution line of the book build in a few words; any other line unchanged."""
    match = re.match(r"(.*?): Execut(ing|ed) notebook(?: in ([\d.]+) seconds)?", line)
    if not match:
        return line
    name = match[1].strip()
    for base in (str(BUILD / "student-source"), str(ROOT)):
        name = name.replace(base + os.sep, "")
    return f"  running {name} ..." if match[2] == "ing" else f" {float(match[3]):.0f} s\n"


def stop(process, grace=10):
    """Stop a child process and everything it runs; wait for it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wanted_stamp():
    """What the environment must have been built from: our dependency files and Python."""
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes())
    return f"{digest.hexdigest()} python {sys.version_info[0]}.{sys.version_info[1]}\n"


def ensure_environment():
    """Create .venv/ and install the course into it, unless it is already up to date."""
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {sys.version.split()[0]} is too old; install Python 3.10 or newer.")
    python = venv_bin("python")
    if not python.exists():
        say(f"creating the environment in {VENV.relative_to(ROOT)}/")
        if VENV.exists():
            shutil.rmtree(VENV)
        code = subprocess.call([sys.executable, "-m", "venv", str(VENV)])
        if code != 0 or not python.exists():
            fail(
                "could not create a virtual environment. On Debian or Ubuntu install the "
                "venv module first: sudo apt install python3-venv"
            )
    stamp = wanted_stamp()
    if STAMP.exists() and STAMP.read_text() == stamp:
        return python
    say("installing the course's packages (a few minutes the first time)")
    code = run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
         "--constraint", CONSTRAINTS, "--editable", ".[course,napari]"]
    )
    if code != 0:
        fail("installing the packages failed (see pip's message above).")
    STAMP.write_text(stamp)
    say("environment ready")
    return python


def build_book(source, output, *, strict=True, execute=True):
    """Build the HTML book from ``source`` into ``output``/_build/html; return the exit code.

    With ``execute=False`` no notebook runs (a quick preview of the prose: glued numbers and
    outputs are missing).
    """
    cmd = [venv_bin("jupyter-book"), "build", source, "--builder", "html", "-n", "--keep-going",
           "--path-output", output]
    if not execute:
        config = (Path(source) / "_config.yml").read_text(encoding="utf-8")
        if "execute_notebooks: cache" not in config:
            fail("_config.yml no longer says 'execute_notebooks: cache'; update build_book in course.py.")
        preview = Path(output) / "_build" / "_config-no-execute.yml"
        preview.parent.mkdir(parents=True, exist_ok=True)
        preview.write_text(config.replace("execute_notebooks: cache", 'execute_notebooks: "off"'), encoding="utf-8")
        cmd += ["--config", preview]
    log = Path(output) / "_build" / "build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    keep = BUILD_NEEDS if execute else re.compile(BUILD_NEEDS.pattern.replace("WARNING", r"WARNING(?!.*glue data)"))
    code = run_quietly(cmd + (["-W"] if strict else []), keep=keep, log=log)
    if code != 0:
        say(f"the whole output of the build is in {log}")
    return code


def build(args):
    ensure_environment()
    if args.student:
        source = student_edition(BUILD / "student-source")
        output = BUILD / "student"
        say("building the student edition: the book without the solutions")
    else:
        source, output = ROOT, ROOT
        say("building the book (each notebook runs the first time, then only when it changes)")
    if build_book(source, output) != 0:
        fail("the book did not build cleanly (see the warnings above).")
    index = output / "_build" / "html" / "index.html"
    say(f"done. Open this page in your web browser:\n\n    {index.as_uri()}\n")


def find_chromium():
    """The system's Chromium for the browser tests (tests/browser/), or None."""
    given = os.environ.get("CELLSEG_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((path for path in map(shutil.which, names) if path), None)


def test(args):
    """Every test, each notebook run once: nbval runs the notebooks and keeps their outputs,
    then the book is built from those outputs (and checked)."""
    python = ensure_environment()
    out = ROOT / "_build" / "test"
    if out.exists():
        shutil.rmtree(out)  # nothing is reused from an earlier run
    os.environ["CELLSEG_NB_CACHE"] = str(out / "executions")
    os.environ["CELLSEG_BOOK_DIR"] = str(out / "book")
    os.environ["CELLSEG_FIGURE_CHECK"] = "error"  # a figure with text under 9 px in the book fails its notebook
    workers = ["-n", "auto", "--dist", "loadfile"]
    chromium = find_chromium()
    if chromium:
        os.environ["CELLSEG_CHROMIUM"] = chromium
        browser = ""
    else:
        say("no Chromium found: skipping the browser tests of the book (install Chromium to run them)")
        browser = " and not browser"
    say("1/2: unit tests, doctests and every notebook (lessons, exercises, solutions)")
    code = run(
        [python, "-m", "pytest", *workers, "-p", "cellseg_course.nbcache", "-m", "not book and not napari" + browser,
         "--doctest-modules", "cellseg", "cellseg_course", "tests",
         "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600",
         "lessons", "exercises", "solutions", *args.pytest_args]
    )
    say("2/2: the book, built from those runs, with warnings as errors" + (", read in Chromium" if chromium else ""))
    # Two at once: the book of this run, built and checked (one core while it builds), and the
    # books the other tests build of their own (student edition, page preview), then the napari
    # tests (headless: they start a virtual screen, Xvfb, or skip in one line where Qt cannot start).
    with tempfile.TemporaryFile("w+", encoding="utf-8") as aside:
        own = subprocess.Popen([str(python), "-m", "pytest", "-rs", "-m", "(book and own_build) or napari", "tests",
                                *args.pytest_args],
                               stdout=aside, stderr=subprocess.STDOUT, cwd=ROOT, env=course_env())
        book = run([python, "-m", "pytest", "-m", "book and not own_build" + browser, "tests", *args.pytest_args])
        own_code = own.wait()
        aside.seek(0)
        say("2/2, alongside: the books the tests build of their own (student edition, page preview), napari")
        print(aside.read(), end="", flush=True)
    book = book or own_code
    sys.exit(code or book)


# --------------------------------------------------------------------------- learners


def notebook_copy(source, dest, *, drop_solution_link=False):
    """Copy a notebook for a learner: unpaired from its .md, optionally without the solution link."""
    nb = json.loads(Path(source).read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("jupytext", None)  # a copy is no twin of a source
    if drop_solution_link:
        for cell in nb["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = SOLUTION_LINK.sub("", text)
    Path(dest).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def fill_workspace(workspace=WORKSPACE, exercises=ROOT / "exercises"):
    """Copy every exercise notebook that is not yet in ``workspace``; never touch an existing copy.

    Returns the names of the new copies.
    """
    workspace = Path(workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    new = []
    for source in sorted(Path(exercises).glob("*.ipynb")):
        dest = workspace / source.name
        if not dest.exists():
            notebook_copy(source, dest)
            new.append(dest.name)
    return new


def running_as_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab(args):
    ensure_environment()
    if args.sources:
        folder = ROOT
        say("JupyterLab on the course's sources: saving a notebook here changes the book.")
    else:
        folder = Path(args.workspace).resolve()
        new = fill_workspace(folder)
        if new:
            say(f"copied {len(new)} exercise notebook(s) into {folder}; your work stays there "
                "and never changes the course")
    cmd = [venv_bin("jupyter"), "lab", *args.lab_args]
    if running_as_root() and "--allow-root" not in cmd:
        cmd.append("--allow-root")  # Jupyter refuses to run as root without it
    say("starting JupyterLab; press Ctrl-C here to stop it")
    process = subprocess.Popen([str(c) for c in cmd], cwd=folder, env=course_env(),
                               start_new_session=os.name != "nt")
    try:
        code = process.wait()
    except KeyboardInterrupt:
        say("stopping JupyterLab")
        stop(process)
        code = 0
    sys.exit(code)


CHECKS = [
    # (what, Python code run in the course's environment, what to do if it fails)
    ("cellseg and cellseg_course import",
     "import cellseg, cellseg_course, cellseg_course.checkers; cellseg.synthetic.make_image()",
     "Reinstall: delete the .venv folder and run python3 course.py build."),
    ("widgets and quizzes import",
     "import ipywidgets, jupyterquiz, tqdm",
     "Reinstall: delete the .venv folder and run python3 course.py build."),
    ("figures render",
     "import io, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt\n"
     "fig, ax = plt.subplots(); ax.imshow([[0, 1], [1, 0]]); buf = io.BytesIO()\n"
     "fig.savefig(buf, format='png'); assert buf.getvalue()[:4] == b'\\x89PNG'",
     "matplotlib cannot draw: delete the .venv folder and run python3 course.py build."),
    ("a Jupyter kernel starts in the course's environment",
     "import sys\nfrom jupyter_client.manager import start_new_kernel\n"
     "km, kc = start_new_kernel(kernel_name='python3', startup_timeout=60)\n"
     "out = []\n"
     "try:\n"
     "    reply = kc.execute_interactive('import sys, cellseg; print(sys.prefix)', timeout=60,\n"
     "                                   output_hook=lambda msg: out.append(msg['content'].get('text', '')))\n"
     "    assert reply['content']['status'] == 'ok', reply['content'].get('evalue')\n"
     "    assert ''.join(out).strip() == sys.prefix, f\"the kernel runs {''.join(out).strip()}, not {sys.prefix}\"\n"
     "finally:\n"
     "    kc.stop_channels(); km.shutdown_kernel(now=True)\n",
     "The kernel did not start or uses another Python. Close other Jupyter servers, then delete "
     "the .venv folder and run python3 course.py build; ask your IT if a firewall blocks local ports."),
    ("an exercise notebook runs and shows its figures",
     "import sys, nbformat\nfrom nbclient import NotebookClient\n"
     "nb = nbformat.read(sys.argv[1], as_version=4)\n"
     "NotebookClient(nb, timeout=120, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
     "pngs = sum('image/png' in o.get('data', {}) for c in nb.cells if c.cell_type == 'code' for o in c.outputs)\n"
     "assert pngs >= 1, 'no figure in the output'\n",
     "Run python3 course.py test to see which cell fails, and send its output to the instructors."),
]
CHECK_NOTEBOOK = ROOT / "exercises" / "watershed.ipynb"  #: small, with a figure and a checker


def check(args):
    """Pre-flight check of this computer for the workshop: a short pass/fail list."""
    started = time.perf_counter()
    results = []

    def report(ok, what, todo="", seconds=None):
        mark = "PASS" if ok else "FAIL"
        took = f" ({seconds:.1f} s)" if seconds is not None else ""
        print(f"  {mark}  {what}{took}", flush=True)
        if not ok:
            print(f"        -> {todo}", flush=True)
        results.append(ok)

    say("checking this computer for the workshop")
    version = ".".join(map(str, sys.version_info[:3]))
    report(sys.version_info >= MIN_PYTHON, f"Python {version} (3.10 or newer needed)",
           "Install Python 3.10 or newer from https://www.python.org/downloads/ and run this again.")
    python = venv_bin("python")
    ready = python.exists() and STAMP.exists() and STAMP.read_text() == wanted_stamp()
    report(ready, f"the course's environment in {VENV.name}/ is set up and up to date",
           "Run python3 course.py build (it needs the network once, for a few minutes).")
    if ready:
        with tempfile.TemporaryDirectory() as tmp:
            for what, code, todo in CHECKS:
                t0 = time.perf_counter()
                try:
                    result = subprocess.run([str(python), "-c", code, str(CHECK_NOTEBOOK), tmp], cwd=tmp,
                                            env=course_env(), capture_output=True, text=True, timeout=180)
                    ok, detail = result.returncode == 0, (result.stderr.strip().splitlines() or [""])[-1]
                except subprocess.TimeoutExpired:
                    ok, detail = False, "timed out after 180 s"
                report(ok, what, f"{todo} ({detail})" if detail else todo, time.perf_counter() - t0)
    else:
        print("        (the other checks need the environment)")
    seconds = time.perf_counter() - started
    if all(results) and ready:
        say(f"all {len(results)} checks passed in {seconds:.0f} s: this computer is ready.")
    else:
        fail(f"{results.count(False)} check(s) failed after {seconds:.0f} s; do what each says, then run "
             "python3 course.py check again.")


# --------------------------------------------------------------------------- instructors

#: the pointer from an exercise to its solution (written by tools/notebooks.py)
SOLUTION_LINK = re.compile(r"\n*\*When you have finished, compare with the \[worked solution\]\([^)]*\)\.\*")
#: the settings the student edition changes in _config.yml: no button leads to the repository,
#: where the solutions are
STUDENT_CONFIG = {
    "use_repository_button: true": "use_repository_button: false",
    "use_issues_button: true": "use_issues_button: false",
    "binderhub_url: https://mybinder.org": 'binderhub_url: ""',
    "execute_notebooks: cache": "execute_notebooks: cache",
}


def _student_toc(text):
    """``_toc.yml`` without its solutions (each is listed under its exercise)."""
    solutions = re.compile(r"\n( +)sections:\n\1  - file: solutions/[^\n]*(?:\n\1    [^\n]*)*")
    if not solutions.search(text):
        raise ValueError("_toc.yml lists no solution in the expected form (under its exercise).")
    text = solutions.sub("", text)
    if "solutions/" in text:
        raise ValueError("_toc.yml lists a solution outside an exercise's sections.")
    return text


def student_edition(dest, *, execute=True):
    """Write the sources of the student edition into ``dest``: the book without the solutions.

    No Solutions part in the table of contents, no solutions folder, no link from an exercise
    to its solution and no button that leads to the repository. Returns ``dest``.
    """
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    changes = dict(STUDENT_CONFIG)
    if not execute:
        changes["execute_notebooks: cache"] = 'execute_notebooks: "off"'
    for old, new in changes.items():
        if old not in config:
            raise ValueError(f"_config.yml no longer contains {old!r}; update STUDENT_CONFIG in course.py.")
        config = config.replace(old, new)
    (dest / "_config.yml").write_text(config, encoding="utf-8")
    (dest / "_toc.yml").write_text(_student_toc((ROOT / "_toc.yml").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(ROOT / "book", dest / "book")
    for folder in ("_static", "_vendor"):  # the offline MathJax and the book's small scripts
        shutil.copytree(ROOT / folder, dest / folder)
    for folder in ("lessons", "exercises"):
        (dest / folder).mkdir()
        for md in sorted((ROOT / folder).glob("*.md")):
            text = SOLUTION_LINK.sub("", md.read_text(encoding="utf-8"))
            (dest / folder / md.name).write_text(text, encoding="utf-8")
            notebook_copy(md.with_suffix(".ipynb"), dest / folder / md.with_suffix(".ipynb").name,
                          drop_solution_link=True)
    leaks = [str(p.relative_to(dest)) for p in dest.rglob("*.md") if "solutions/" in p.read_text(encoding="utf-8")]
    if leaks:
        raise ValueError(f"these pages still link to the solutions: {leaks}")
    return dest


BUNDLE_README = """\\
{title}
{underline}

The notebooks of the course "Cell segmentation and its quality control"{what}.

Open them in Jupyter (JupyterLab, Jupyter Notebook, VS Code, or upload them to Google Colab).
The folders cellseg/ and cellseg_course/ next to them hold the course's Python packages, so
the notebooks find them when they are opened from this folder. They also need NumPy, SciPy,
scikit-image, matplotlib, ipywidgets, tqdm and jupyterquiz; to install exactly the tested
versions, run in this folder:

    python3 -m pip install --constraint constraints.txt ".[notebooks]"

Opened anywhere else (for example on Colab), the first cell of each notebook installs the
packages itself.
"""


def bundle(args):
    """Write a zip of the exercise (or solution) notebooks plus what they need to run."""
    kind = "solutions" if args.solutions else "exercises"
    name = f"cellseg-course-{kind}"
    path = write_bundle(BUILD / "bundle" / f"{name}.zip", kind)
    say(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB): hand it out as it is.")


def write_bundle(path, kind="exercises"):
    """The zip of ``kind`` ("exercises" or "solutions"), with the packages they import."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    top = path.stem
    what = " (exercises; the worked solutions follow later)" if kind == "exercises" else " (worked solutions)"
    title = f"{kind.capitalize()} of the cellseg course"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for source in sorted((ROOT / kind).glob("*.ipynb")):
            copy = Path(tmp) / source.name
            notebook_copy(source, copy, drop_solution_link=kind == "exercises")
            zf.write(copy, f"{top}/{source.name}")
        for package in ("cellseg", "cellseg_course"):
            for file in sorted((ROOT / package).rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
                    zf.write(file, f"{top}/{file.relative_to(ROOT).as_posix()}")
        for extra in ("pyproject.toml", "constraints.txt"):
            zf.write(ROOT / extra, f"{top}/{extra}")
        zf.writestr(f"{top}/README.txt", BUNDLE_README.format(title=title, underline="=" * len(title), what=what))
    return path


# --------------------------------------------------------------------------- authors


def page_address(file, output=ROOT):
    """Where the whole-book build puts the page of ``file`` (a .md of the book)."""
    relative = Path(file).resolve().relative_to(ROOT).with_suffix(".html")
    return Path(output) / "_build" / "html" / relative


def page(args):
    """Rebuild the book (re-running only the notebooks that changed) and show one page."""
    path = (ROOT / args.file).resolve()
    if path.suffix != ".md" or not path.exists() or ROOT not in path.parents:
        fail(f"{args.file} is not a page of the book; pass a .md file such as lessons/pipeline.md")
    ensure_environment()
    output = Path(args.output).resolve() if args.output else ROOT
    if args.no_execute:
        say("building the book without running any notebook (outputs and glued numbers are missing)")
    else:
        say(f"building the book; only notebooks that changed run again ({path.relative_to(ROOT)} if it did)")
    code = build_book(ROOT, output, strict=False, execute=not args.no_execute)
    out = page_address(path, output)
    if code != 0 or not out.exists():
        fail("the page did not build (see the messages above).")
    say(f"done. Open:\n\n    {out.as_uri()}\n")


def new(args):
    """Scaffold a lesson or an exercise (tools/scaffold.py) and regenerate what follows from it."""
    python = ensure_environment()
    extra = (["--lesson", args.lesson] if args.lesson else []) + (["--title", args.title] if args.title else [])
    sys.exit(run([python, ROOT / "tools" / "scaffold.py", args.kind, args.name, *extra]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="set up and build the HTML book")
    p.add_argument("--student", action="store_true",
                   help="build the student edition (no solutions) into _build/student/")
    p.set_defaults(func=build)
    p = sub.add_parser("test", help="set up if needed and run every test (extra arguments go to pytest)")
    p.set_defaults(func=test)
    p = sub.add_parser("lab", help="open JupyterLab on your own copies of the exercises (workspace/)")
    p.add_argument("--sources", action="store_true", help="open the course's sources instead (for authors)")
    p.add_argument("--workspace", default=str(WORKSPACE), help="the folder of your copies (default: workspace/)")
    p.set_defaults(func=lab)
    sub.add_parser("check", help="check that this computer is ready for the workshop").set_defaults(func=check)
    p = sub.add_parser("bundle", help="write a zip of the exercises to hand out")
    p.add_argument("--solutions", action="store_true", help="the worked solutions instead")
    p.set_defaults(func=bundle)
    p = sub.add_parser("new", help="scaffold a new lesson or exercise (then edit the files it names)")
    p.add_argument("kind", choices=("lesson", "exercise"))
    p.add_argument("name", help="lower-case words joined by hyphens, e.g. cell-tracking")
    p.add_argument("--lesson", help="for an exercise: the lesson it practises")
    p.add_argument("--title", help="the page title (default: from the name)")
    p.set_defaults(func=new)
    p = sub.add_parser("page", help="rebuild the book and show one page")
    p.add_argument("file")
    p.add_argument("--no-execute", action="store_true", help="run no notebook: a quick preview of the prose")
    p.add_argument("--output", help=argparse.SUPPRESS)  # another build folder (for the tests)
    p.set_defaults(func=page)
    args, extra = parser.parse_known_args()
    if extra and args.command not in ("test", "lab"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = args.lab_args = extra
    args.func(args)


if __name__ == "__main__":
    main()
