#!/usr/bin/env python3
"""Set up, build and test the course, one command each.

    python3 course.py build    # set up .venv/, build the HTML book, print the page to open
    python3 course.py test     # set up .venv/ if needed, then run every test

for learners:

    python3 course.py lab      # JupyterLab in workspace/, your own copies of the lessons and exercises
    python3 course.py check    # is this computer ready for the workshop? (under a minute)

for instructors:

    python3 course.py build --student      # the book without the solutions
    python3 course.py bundle               # a zip of the exercises to hand out
    python3 course.py bundle --solutions   # ... and of the solutions, to release later
    python3 course.py wheelhouse DIR       # every wheel the course needs, for a room without network
    python3 course.py build --from DIR     # install from that folder, with no network

and for authors:

    python3 course.py page lessons/pipeline.md   # rebuild the book, re-running only what changed
    python3 course.py lab --sources              # JupyterLab on the sources themselves

On Windows type ``py`` instead of ``python3``. Only the standard library is used
here, so this file runs with any Python 3.10 or newer; everything else is
installed into ``.venv/`` at the exact versions of ``constraints.txt`` (or, run
from a conda environment made with environment.yml, that environment is used).
"""

import argparse
import atexit
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "cellseg-course-installed.txt"
CONSTRAINTS = ROOT / "constraints.txt"
MIN_PYTHON = (3, 10)
WORKSPACE = ROOT / "workspace"  #: the learner's own copies of the lessons and exercises (git-ignored)
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
    """A program of the course's environment (.venv/, or the conda environment that holds the course)."""
    prefix = environment_prefix()
    if os.name == "nt":
        folder = prefix if name == "python" and is_conda(prefix) else prefix / "Scripts"
    else:
        folder = prefix / "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return folder / f"{name}{suffix}"


def course_env():
    """The environment variables for commands of the course's environment."""
    env = dict(os.environ)
    # Prefer the environment's own Jupyter kernel over any kernel a user has
    # installed elsewhere, so notebooks always run with this environment's packages.
    share = str(environment_prefix() / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silence a debugger warning in kernels
    # Notebook kernels must use matplotlib's inline backend to show figures: never
    # force a backend on them (MPLBACKEND=Agg would silently drop every figure).
    env.pop("MPLBACKEND", None)
    return env


def run(cmd, **kwargs):
    """Run a command with the course environment; return its exit code."""
    return call(cmd, cwd=ROOT, env=course_env(), **kwargs)


def call(cmd, **kwargs):
    """``subprocess.call`` in a session of its own: on Ctrl-C course.py ends it (and what it started)
    quietly, so the user reads one line and no traceback of a child. Returns the exit code."""
    process = subprocess.Popen([str(c) for c in cmd], start_new_session=os.name != "nt", **kwargs)
    try:
        return process.wait()
    except KeyboardInterrupt:
        end_group(process)
        raise


def end_group(process, grace=10):
    """Stop a child started in its own session, with everything it started; wait for it."""
    if process.poll() is None and os.name != "nt":
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except OSError:
            pass
    stop(process, grace)


ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: what a user of the book build needs to see: progress of the notebooks, warnings, errors, the result
BUILD_NEEDS = re.compile(r"Executing notebook|Executed notebook|WARNING|ERROR|rror:|Traceback|Exception"
                         r"|build succeeded|build finished")


def run_quietly(cmd, cwd=ROOT, *, keep=None, log=None):
    """Run a command; pass on its output lines that match ``keep`` (all if None) and not NOISE.

    The whole output is written to ``log`` if given, so nothing is lost. Returns the exit code.
    """
    process = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=course_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace", bufsize=1,
                               start_new_session=os.name != "nt")
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
        end_group(process)
        raise
    finally:
        if sink:
            sink.close()
    code = process.wait()
    process.stdout.close()
    return code


def _progress(line, folder):
    """A notebook-execution line of the book build in a few words; any other line unchanged."""
    match = re.match(r"(.*?): Execut(ing|ed) notebook(?: in ([\d.]+) seconds)?", line)
    if not match or "WARNING" in line:  # "Executing notebook failed" is a warning: shown as it is
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


def _requirements_text(path):
    """The lines of a requirements or constraints file that pip reads: no comments, no blank lines."""
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in Path(path).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _pyproject_text():
    """pyproject.toml without its comments and blank lines (a comment there changes nothing either)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    lines = (line.split(" #", 1)[0].rstrip() for line in text.splitlines())
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def course_requirements():
    """What the course needs by name (pyproject.toml: the dependencies and the "course" extra)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = []
    for key in ("dependencies", "course"):
        block = re.search(rf"^{key} = \[(.*?)^\]", text, re.S | re.M)
        if block is None:
            fail(f"pyproject.toml has no '{key} = [' list; update course_requirements in course.py.")
        found += re.findall(r'^\s*"([^"]+)"', block[1], re.M)
    return found


def wanted_stamp():
    """What the environment was last checked against: pyproject.toml's meaning, constraints.txt, Python."""
    project = hashlib.sha256("\n".join(_pyproject_text()).encode()).hexdigest()
    pins = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()
    return f"project {project} pins {pins} python {sys.version_info[0]}.{sys.version_info[1]}\n"


#: Run in an environment's Python: prints the JSON list of what it lacks (empty: it has all the course needs).
#: argv: this folder's file URL, "exact" (the pins of constraints.txt) or "any", the requirements, the pins.
UNSATISFIED = r"""
import json, sys
from importlib import metadata
root, mode, wanted, pins = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # an environment without packaging still has pip's copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name
have = {}
for dist in metadata.distributions():
    if dist.metadata["Name"]:
        have.setdefault(canonicalize_name(dist.metadata["Name"]), dist.version)
lacks = []
def need(text, installed_only):
    req = Requirement(text)
    if req.marker is not None and not req.marker.evaluate():
        return
    version = have.get(canonicalize_name(req.name))
    if version is None and not installed_only:
        lacks.append(f"{req.name}{req.specifier} (not installed)")
    elif version is not None and not req.specifier.contains(version, prereleases=True):
        lacks.append(f"{req.name}{req.specifier} (installed: {version})")
for text in wanted:
    need(text, False)
for text in pins if mode == "exact" else ():
    need(text, True)
try:
    url = json.loads(metadata.distribution("cellseg").read_text("direct_url.json") or "{}").get("url")
except metadata.PackageNotFoundError:
    url = None
if url != root:
    lacks.append("cellseg (the course's own package, installed from this folder)")
print(json.dumps(lacks))
"""


def unsatisfied(python, *, exact=True):
    """What the environment of ``python`` lacks for the course: a list of "name==version (installed: x)".

    ``exact``: the versions must be those of constraints.txt (the course's own .venv/); otherwise
    any version that pyproject.toml allows (a conda environment made from environment.yml).
    """
    pins = _requirements_text(CONSTRAINTS)
    try:
        result = subprocess.run([str(python), "-I", "-c", UNSATISFIED, ROOT.as_uri(), "exact" if exact else "any",
                                 json.dumps(course_requirements()), json.dumps(pins)],
                                capture_output=True, text=True, timeout=120)
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return ["a working Python in the environment"]


def is_conda(prefix):
    """True when ``prefix`` is a conda environment (conda writes conda-meta/ into each)."""
    return (Path(prefix) / "conda-meta").is_dir()


def other_environment():
    """The running Python's environment when it already holds the course and there is no .venv/; else None.

    That is a conda environment made from environment.yml (or any virtual environment where
    ``pip install --editable .[course]`` was run): course.py then uses it as it is.
    """
    if VENV.exists() or os.environ.get("CELLSEG_USE_VENV"):
        return None
    prefix = Path(sys.prefix)
    if not (is_conda(prefix) or sys.prefix != sys.base_prefix):
        return None  # a system Python: the course gets its own .venv/
    return prefix if not unsatisfied(sys.executable, exact=False) else None


_ENVIRONMENT = {}  #: the environment environment_prefix chose, by the .venv/ it stands in for


def environment_prefix():
    """The folder of the course's environment: .venv/, or a conda/virtual environment that holds the course."""
    if VENV.exists():
        return VENV
    if VENV not in _ENVIRONMENT:
        _ENVIRONMENT[VENV] = other_environment() or VENV
    return _ENVIRONMENT[VENV]


#: pip's words when it found no copy of a package: no network, or an index that lacks that version
NOT_FOUND = re.compile(r"No matching distribution found|Could not find a version|ResolutionImpossible|"
                       r"Failed to establish|Temporary failure in name resolution|Network is unreachable|"
                       r"Max retries exceeded|Connection refused|ProxyError", re.I)
HOW_TO_GET = ("connect this computer to the network and run this again, or install from a folder of wheels "
              "prepared on a computer with the network: python3 course.py wheelhouse DIR there, then "
              "python3 course.py build --from DIR here")


def package_index(python):
    """``(host, port)`` of the package index pip uses (PIP_INDEX_URL, pip's configuration, or PyPI)."""
    url = os.environ.get("PIP_INDEX_URL")
    if not url:
        try:
            listed = subprocess.run([str(python), "-m", "pip", "config", "list"], capture_output=True, text=True,
                                    timeout=60).stdout
        except (OSError, subprocess.TimeoutExpired):
            listed = ""
        found = re.search(r"^[\w:.-]*index-url='([^']+)'", listed, re.M)
        url = found[1] if found else "https://pypi.org/simple"
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "pypi.org", parts.port or (80 if parts.scheme == "http" else 443)


def reachable(address, timeout=5):
    """True when a TCP connection to ``(host, port)`` opens within ``timeout`` seconds."""
    try:
        socket.create_connection(address, timeout=timeout).close()
        return True
    except OSError:
        return False


def _missing(python, created):
    if created:
        return "the course's packages (a new environment)"
    lacks = unsatisfied(python)
    return ", ".join(lacks[:3]) + (f" and {len(lacks) - 3} more" if len(lacks) > 3 else "") if lacks else "packages"


def environment_name():
    """How to name the course's environment to a user: ".venv/" or "the conda environment /path"."""
    prefix = environment_prefix()
    if prefix == VENV:
        return f"{VENV.name}/"
    return f"the {'conda' if is_conda(prefix) else 'virtual'} environment {prefix}"


def environment_ready():
    """True when the course's environment is set up and up to date (no install needed)."""
    if environment_prefix() != VENV:
        return True  # other_environment() found that it holds the course
    python, stamp = venv_bin("python"), wanted_stamp()
    if not python.exists():
        return False
    if STAMP.exists() and STAMP.read_text() == stamp:
        return True
    return not _project_changed(stamp) and not unsatisfied(python)


def ensure_environment(wheelhouse=None):
    """Return the course environment's Python, installing the course into .venv/ first if needed.

    - A conda or virtual environment that already holds the course is used as it is
      (:func:`other_environment`).
    - .venv/ is reinstalled only when its packages no longer satisfy constraints.txt (or
      pyproject.toml changed): a new comment in either changes nothing.
    - ``wheelhouse``: install from that folder only (``python3 course.py wheelhouse DIR``), no network.
    - When pip cannot download what is missing, one line says what and how to get it; an
      environment made in this call is removed, an older one is left as it was.
    """
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {sys.version.split()[0]} is too old; install Python 3.10 or newer.")
    prefix = environment_prefix()
    if prefix != VENV:
        if wheelhouse:
            fail(f"--from installs into .venv/, but this runs in the environment {prefix}, which already holds "
                 "the course; run course.py with another Python (or set CELLSEG_USE_VENV=1) to make .venv/.")
        return Path(sys.executable)
    python = venv_bin("python")
    stamp = wanted_stamp()
    if python.exists() and STAMP.exists() and STAMP.read_text() == stamp:
        return python
    created = not python.exists()
    if created and not wheelhouse and not reachable(package_index(sys.executable)):
        host = package_index(sys.executable)[0]
        fail(f"cannot install the course's packages: this computer cannot reach the package index ({host}); "
             f"{HOW_TO_GET}.")
    try:
        if created:
            create_venv()
        elif not _project_changed(stamp) and not unsatisfied(python):
            STAMP.write_text(stamp)  # the files changed, but not in what is installed: no pip
            return python
        install(python, wheelhouse, created)
    except KeyboardInterrupt:
        if created:
            shutil.rmtree(VENV, ignore_errors=True)  # no half-made environment stays behind
        raise
    STAMP.write_text(stamp)
    say("environment ready")
    return python


def create_venv():
    say(f"creating the environment in {VENV.relative_to(ROOT)}/")
    if VENV.exists():
        shutil.rmtree(VENV)
    code = call([sys.executable, "-m", "venv", VENV])
    if code != 0 or not venv_bin("python").exists():
        shutil.rmtree(VENV, ignore_errors=True)
        fail("could not create a virtual environment. On Debian or Ubuntu install the venv module first: "
             "sudo apt install python3-venv")


def _project_changed(stamp):
    """True when the stamp of .venv/ records another pyproject.toml (comments aside) or another Python.

    An older stamp without these parts (or none) says nothing: then only what is installed decides.
    """
    old = STAMP.read_text() if STAMP.exists() else ""
    parts = re.fullmatch(r"project (\w+) pins \w+ (python .*)\n", old)
    if parts is None:
        return False
    now = re.fullmatch(r"project (\w+) pins \w+ (python .*)\n", stamp)
    return parts.groups() != now.groups()


def install(python, wheelhouse=None, created=False):
    """pip install the course into .venv/ at the pinned versions; on failure one line says why, then exit."""
    source = f" from {wheelhouse}" if wheelhouse else ""
    say(f"installing the course's packages{source} (a few minutes the first time)")
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check",  # not --quiet: the log says why
           "--constraint", CONSTRAINTS, "--editable", ".[course]"]
    if wheelhouse:
        folder = Path(wheelhouse).resolve()
        if not folder.is_dir() or not any(folder.glob("*.whl")):
            fail(f"{wheelhouse} holds no wheels; make it with python3 course.py wheelhouse {wheelhouse}")
        cmd += ["--no-index", "--find-links", folder]
    log = BUILD / "pip-install.log"  #: outside .venv/, which a failed first install removes
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as sink:
        code = call(cmd, cwd=ROOT, env=course_env(), stdout=sink, stderr=subprocess.STDOUT)
    if code == 0:
        return
    said = log.read_text(encoding="utf-8", errors="replace")
    missing = _missing(python, created)
    if created:
        shutil.rmtree(VENV, ignore_errors=True)  # no half-made environment stays behind
    where = f"pip's output is in {log.relative_to(ROOT)}"
    absent = ", ".join(re.findall(r"No matching distribution found for (\S+)", said)) or missing
    if wheelhouse and NOT_FOUND.search(said):
        fail(f"{absent} is not in {wheelhouse}: make it again with python3 course.py wheelhouse DIR "
             f"(for this computer's platform, see its --help) ({where}).")
    if NOT_FOUND.search(said):
        host, port = package_index(python)
        if not reachable((host, port)):
            fail(f"cannot install {missing}: this computer cannot reach the package index ({host}); {HOW_TO_GET} "
                 f"({where}).")
        fail(f"cannot install {missing}: the package index ({host}) has no version that fits; check "
             f"constraints.txt ({where}).")
    last = [line for line in said.splitlines() if line.strip() and not line.startswith("WARNING")][-3:]
    print("\n".join(last), file=sys.stderr)
    fail(f"installing {missing} failed; pip's last lines are above ({where}).")


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
    ensure_environment(wheelhouse=args.wheelhouse)
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


TEST_LOCK = BUILD / "test.lock"  #: held by the running `course.py test` of this clone (its process id)


def _alive(pid):
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end the process on Windows: a lock is held until deleted
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def take_lock(path, what):
    """Hold ``path`` for this process until it exits; refuse in one line if a live process holds it.

    A lock left by a process that no longer runs (a crash, a reboot) is taken over.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = int(path.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and pid != os.getpid() and _alive(pid):
                fail(f"{what} is already running in this folder (process {pid}); wait until it ends and run it "
                     f"again (if it is not running, delete {path}).")
            path.unlink(missing_ok=True)  # left behind by a process that has ended
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()}\n")
        atexit.register(lambda: path.exists() and path.read_text().strip() == str(os.getpid()) and path.unlink())
        return path
    fail(f"could not take {path}; delete it and run {what} again.")


def test(args):
    """Every test, each notebook run once: nbval runs the notebooks and keeps their outputs,
    then the book is built from those outputs (and checked)."""
    take_lock(TEST_LOCK, "python3 course.py test")
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
        [python, "-m", "pytest", *workers, "-p", "cellseg_course.nbcache", "-m", "not book" + browser,
         "--doctest-modules", "cellseg", "cellseg_course", "tests",
         "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600",
         "lessons", "exercises", "solutions", *args.pytest_args]
    )
    say("2/2: the book, built from those runs, with warnings as errors" + (", read in Chromium" if chromium else ""))
    # Two at once: the book of this run, built and checked (one core while it builds), and the
    # books the other tests build of their own (student edition, page preview).
    with tempfile.TemporaryFile("w+", encoding="utf-8") as aside:
        own = subprocess.Popen([str(python), "-m", "pytest", "-m", "book and own_build", "tests", *args.pytest_args],
                               stdout=aside, stderr=subprocess.STDOUT, cwd=ROOT, env=course_env())
        book = run([python, "-m", "pytest", "-m", "book and not own_build" + browser, "tests", *args.pytest_args])
        own_code = own.wait()
        aside.seek(0)
        say("2/2, alongside: the books the tests build of their own (student edition, page preview)")
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


def fill_workspace(workspace=WORKSPACE, solutions=()):
    """Bring the learner's workspace up to date: lessons/ and exercises/ (and the worked
    ``solutions`` asked for), written by cellseg_course.live in the course's environment.

    Never overwrites a copy the learner changed. Returns what it did: {"new": [...],
    "updated": [...], "kept": [...], "moved": [...]}.
    """
    cmd = [venv_bin("python"), "-m", "cellseg_course.live", "fill", Path(workspace).resolve()]
    for name in solutions:
        cmd += ["--solution", name]
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=course_env(), stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        fail("could not fill the workspace (see the message above).")
    return json.loads(result.stdout.strip().splitlines()[-1])


def report_workspace(done, folder):
    """What fill_workspace did, in a line or two."""
    def names(key):
        return ", ".join(Path(p).stem for p in done[key])

    if done["moved"]:
        say(f"moved your {len(done['moved'])} exercise notebook(s) into {folder / 'exercises'}")
    if done["new"]:
        say(f"copied {len(done['new'])} notebook(s) into {folder} (lessons/, exercises/); your work stays "
            "there and never changes the course")
    if done["updated"]:
        say(f"updated {len(done['updated'])} notebook(s) you had not changed to the course's new version: "
            f"{names('updated')}")
    if done["kept"]:
        say(f"kept your own version of {len(done['kept'])} notebook(s) that differ from the course's: "
            f"{names('kept')} (rename yours and start again to get the course's)")


def running_as_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


#: JupyterLab settings of the course: no "Jupyter news" question, no update check, and a notebook's
#: own kernel starts without a "Select Kernel" question
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True},
}


def lab_state(folder):
    """The options that give one mode of ``lab`` its own layouts and settings in ``folder``.

    The learner's workspace and the authors' sources each remember their own open notebooks
    (each would reopen the other's as missing files otherwise). The course's settings are
    written when missing; a learner's own changes to them stay.
    """
    folder = Path(folder)
    for name, values in LAB_SETTINGS.items():
        path = folder / "settings" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=1) + "\n", encoding="utf-8")
    return [f"--LabApp.user_settings_dir={folder / 'settings'}", f"--LabApp.workspaces_dir={folder / 'workspaces'}"]


def lab(args):
    ensure_environment()
    if args.sources:
        if args.solution:
            fail("--solution is for the workspace; with --sources every solution is in solutions/.")
        folder = ROOT
        state = BUILD / "lab-sources"
        say("JupyterLab on the course's sources: saving a notebook here changes the book.")
    else:
        folder = Path(args.workspace).resolve()
        state = folder / ".jupyterlab"
        report_workspace(fill_workspace(folder, args.solution), folder)
        for name in args.solution:
            say(f"the worked solution is in {folder / 'solutions' / (name + '.ipynb')}")
    cmd = [venv_bin("jupyter"), "lab", f"--ServerApp.root_dir={folder}", *lab_state(state)]
    if len(args.solution) == 1 and not args.sources:
        cmd.append(f"--LabApp.default_url=/lab/tree/solutions/{args.solution[0]}.ipynb")
    cmd += args.lab_args
    if running_as_root() and "--allow-root" not in cmd:
        cmd.append("--allow-root")  # Jupyter refuses to run as root without it
    say("starting JupyterLab; press Ctrl-C here to stop it")
    sys.exit(serve(cmd, folder))


def serve(cmd, folder):
    """Run a Jupyter server until it ends, Ctrl-C, or the terminal closes (SIGHUP) or SIGTERM;
    then stop it and every kernel it started. Returns its exit code (0 when stopped here)."""
    process = subprocess.Popen([str(c) for c in cmd], cwd=folder, env=course_env(),
                               start_new_session=os.name != "nt")
    hangups = [s for s in ("SIGHUP", "SIGTERM") if hasattr(signal, s)]
    previous = {}

    def hang_up(signum, frame):
        raise KeyboardInterrupt

    for name in hangups:
        previous[name] = signal.signal(getattr(signal, name), hang_up)
    try:
        return process.wait()
    except KeyboardInterrupt:
        try:
            say("stopping JupyterLab")
        except OSError:  # the terminal is gone
            pass
        stop_server(process)
        return 0
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def _descendants(pid):
    """Every process started by ``pid`` and by those (Linux: from /proc; elsewhere: none known)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_server(process, grace=10):
    """Stop a Jupyter server and its kernels (which run in sessions of their own)."""
    kernels = _descendants(process.pid)
    stop(process, grace)
    for pid in kernels:  # a kernel the server did not shut down in time
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


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
    ("JupyterLab starts and shows a slider",
     "import sys\nfrom cellseg_course.labcheck import main\nsys.exit(main())\n",
     "JupyterLab did not show a slider. Close other Jupyter servers, then delete the .venv folder and run "
     "python3 course.py build; ask your IT if a firewall blocks local ports."),
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
    ready = environment_ready()
    report(ready, f"the course's environment in {environment_name()} is set up and up to date",
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


#: pages for instructors only (their path names them): they give answers away, so the student edition
#: leaves them out, and a link to one becomes its plain text
FOR_INSTRUCTORS = re.compile(r"instructor", re.I)


def _student_toc(text):
    """``_toc.yml`` without its solutions (each is listed under its exercise) and the instructors' pages."""
    solutions = re.compile(r"\n( +)sections:\n\1  - file: solutions/[^\n]*(?:\n\1    [^\n]*)*")
    if not solutions.search(text):
        raise ValueError("_toc.yml lists no solution in the expected form (under its exercise).")
    text = solutions.sub("", text)
    if "solutions/" in text:
        raise ValueError("_toc.yml lists a solution outside an exercise's sections.")
    # an instructors' page, with whatever is listed under it (more deeply indented lines)
    instructors = re.compile(r"\n( *)- file: [^\n]*instructor[^\n]*(?:\n\1 +[^\n]*)*", re.I)
    text = instructors.sub("", text)
    # a part left with no chapters goes too
    return re.sub(r"\n( *)- caption: [^\n]*\n\1  chapters:(?=\n\1- |\n*$|\n#)", "", text)


def _unlink_instructor_pages(text):
    """Markdown links to an instructors' page become their text (the page is not in the student edition)."""
    return re.sub(r"\[([^\]]+)\]\(([^)]*)\)", lambda m: m[1] if FOR_INSTRUCTORS.search(m[2]) else m[0], text)


def student_edition(dest, *, execute=True):
    """Write the sources of the student edition into ``dest``: the book without the solutions.

    No Solutions part in the table of contents, no solutions folder, no link from an exercise
    to its solution, no button that leads to the repository and no page for instructors (they quote
    answers and say how to make the solutions bundle). Returns ``dest``.
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
    shutil.copytree(ROOT / "book", dest / "book",
                    ignore=lambda folder, names: [n for n in names if FOR_INSTRUCTORS.search(n)])
    for md in (dest / "book").rglob("*.md"):
        md.write_text(_unlink_instructor_pages(md.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(ROOT / "_static", dest / "_static")  # the book's small scripts and styles
    for folder in ("lessons", "exercises"):
        (dest / folder).mkdir()
        for md in sorted((ROOT / folder).glob("*.md")):
            text = _unlink_instructor_pages(SOLUTION_LINK.sub("", md.read_text(encoding="utf-8")))
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


def wheelhouse(args):
    """Collect in one folder every wheel the course needs, so that a room without network can install it.

    First for this computer (``pip wheel``, which also builds a wheel of a package published only
    as source: pure-Python ones then serve every platform), then for each ``--platform`` asked for
    (``pip download --only-binary=:all:``, finding those built wheels in the folder).
    """
    folder = Path(args.folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    python = ensure_environment()
    wanted = [*course_requirements(), "setuptools>=64"]  # setuptools builds the course's own package
    common = ["--disable-pip-version-check", "--constraint", CONSTRAINTS]
    shown = re.compile(r"ERROR|rror:|No matching|conflict is caused|depends on|requested")
    started = time.perf_counter()
    targets = [(f"this computer ({sys.platform}, Python {sys.version_info[0]}.{sys.version_info[1]})",
                [python, "-m", "pip", "wheel", *common, "--wheel-dir", folder, *wanted])]
    version = [f"--python-version={args.python_version}"] if args.python_version else []
    for platform in args.platform or ([] if not args.python_version else [None]):
        where = f"{platform or 'this platform'}, Python {args.python_version or 'as here'}"
        targets.append((where, [python, "-m", "pip", "download", *common, "--only-binary=:all:", "--dest", folder,
                                "--find-links", folder, *([f"--platform={platform}"] if platform else []),
                                *version, *wanted]))
    for where, cmd in targets:
        say(f"collecting the wheels for {where} into {folder}")
        if run_quietly(cmd, keep=shown) != 0:
            fail(f"pip could not collect every wheel for {where} (see its message above): a package without a "
                 "wheel for that platform must be collected on a computer of that platform.")
    wheels = list(folder.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 1e6
    say(f"{len(wheels)} wheels ({size:.0f} MB) in {time.perf_counter() - started:.0f} s. Copy {folder} to each "
        f"computer (a USB stick), then run there: python3 course.py build --from {folder.name}")
    if not args.platform:
        say("for other computers in the room add their platforms and Python, e.g. --platform win_amd64 "
            "--python-version 3.12, or --platform macosx_11_0_arm64, or --platform manylinux_2_17_x86_64")


# --------------------------------------------------------------------------- authors


def page_address(file, output=ROOT):
    """Where the whole-book build puts the page of ``file`` (a .md of the book)."""
    relative = Path(file).resolve().relative_to(ROOT).with_suffix(".html")
    return Path(output) / "_build" / "html" / relative


def failed_notebooks(log_text, output=ROOT):
    """The notebooks whose run failed in a book build's log (myst-nb warns and the build goes on)."""
    failed = []
    log_text = ANSI.sub("", log_text)
    for match in re.finditer(r"^(.*?): WARNING: Executing notebook failed: (\w+)", log_text, re.M):
        name = match[1].strip()
        for base in (str(BUILD / "student-source"), str(output), str(ROOT)):
            name = name.replace(base + os.sep, "")
        entry = f"{name} ({match[2]})"
        if entry not in failed:
            failed.append(entry)
    return failed


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
    log = Path(output) / "_build" / "build.log"
    failed = failed_notebooks(log.read_text(encoding="utf-8", errors="replace") if log.exists() else "", output)
    if failed:
        report = re.search(r"Notebook exception traceback saved in: (\S+)", ANSI.sub("", log.read_text()))
        where = f"the first traceback is in {report[1]}" if report else f"see 'Executing notebook failed' in {log}"
        fail(f"{len(failed)} notebook(s) failed to run: {', '.join(failed)}; {where}.")
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
    p.add_argument("--from", dest="wheelhouse", metavar="DIR",
                   help="install from this folder of wheels (python3 course.py wheelhouse DIR), no network")
    p.set_defaults(func=build)
    p = sub.add_parser("wheelhouse", help="collect every wheel the course needs into a folder, for a room "
                       "without network")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--platform", action="append",
                   help="another computer's platform tag (pip download --platform), e.g. win_amd64, "
                   "macosx_11_0_arm64, manylinux_2_17_x86_64; repeat for several")
    p.add_argument("--python-version", help="that computer's Python, e.g. 3.12")
    p.set_defaults(func=wheelhouse)
    p = sub.add_parser("test", help="set up if needed and run every test (extra arguments go to pytest)")
    p.set_defaults(func=test)
    p = sub.add_parser("lab", help="open JupyterLab on your own copies of the lessons and exercises (workspace/)")
    p.add_argument("--sources", action="store_true", help="open the course's sources instead (for authors)")
    p.add_argument("--workspace", default=str(WORKSPACE), help="the folder of your copies (default: workspace/)")
    p.add_argument("--solution", action="append", default=[], metavar="NAME",
                   help="copy the worked solution of exercise NAME into the workspace and open it")
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
    try:
        args.func(args)
    except KeyboardInterrupt:
        print(f"\n[course] stopped (Ctrl-C): python3 course.py {args.command} did not finish.", file=sys.stderr,
              flush=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
