"""course.py's set-up in a room without network, on a small stand-in for the course.

A temporary folder holds a copy of course.py, a pyproject.toml naming one dependency
(``tinydep``, a wheel made here) and a constraints.txt pinning it; its build backend lives in
the folder, so nothing is downloaded. pip's index is a closed port on this machine: any attempt
to use the network fails at once. The tests check that course.py installs from a wheelhouse
with no network, runs pip only when the installed versions no longer satisfy the pins, says in
one line what is missing and how to get it (leaving no half-made environment), uses a conda
environment that already holds the course instead of insisting on .venv/, and ends on Ctrl-C
with one line.
"""

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile

import pytest

# Builds wheels and virtual environments (about a minute): once per test command, in step 2,
# beside the book's build.
pytestmark = [pytest.mark.skipif(os.name == "nt", reason="POSIX paths of a virtual environment"),
              pytest.mark.book, pytest.mark.own_build]

PYPROJECT = """\
[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]

[project]
name = "cellseg"
version = "0.1.0"
dependencies = [
    "tinydep",
]

[project.optional-dependencies]
course = [
    "tinydep>=1",
]
napari = [
]
"""

# A PEP 660 build backend in 25 lines: an editable wheel is a .pth file pointing at the folder.
BACKEND = '''\
import base64, hashlib, os, zipfile

def _record(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

def _wheel(directory, files):
    name = "cellseg-0.1.0-py3-none-any.whl"
    files["cellseg-0.1.0.dist-info/METADATA"] = (
        "Metadata-Version: 2.1\\nName: cellseg\\nVersion: 0.1.0\\nRequires-Dist: tinydep\\n"
        "Provides-Extra: course\\nRequires-Dist: tinydep>=1; extra == 'course'\\n"
        "Provides-Extra: napari\\n").encode()
    files["cellseg-0.1.0.dist-info/WHEEL"] = (
        b"Wheel-Version: 1.0\\nGenerator: t\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    record = [_record(n, d) for n, d in files.items()] + ["cellseg-0.1.0.dist-info/RECORD,,"]
    files["cellseg-0.1.0.dist-info/RECORD"] = "\\n".join(record).encode()
    with zipfile.ZipFile(os.path.join(directory, name), "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    return name

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {"cellseg.pth": (os.path.abspath(".") + "\\n").encode()})

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {"cellseg/__init__.py": open("cellseg/__init__.py", "rb").read()})
'''


WHEEL = b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def make_wheel(folder, version):
    """``tinydep-VERSION-py3-none-any.whl`` in ``folder``: a module that knows its version."""
    files = {
        "tinydep/__init__.py": f'VERSION = "{version}"\n'.encode(),
        f"tinydep-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: tinydep\nVersion: {version}\n".encode(),
        f"tinydep-{version}.dist-info/WHEEL": WHEEL,
    }
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"tinydep-{version}.dist-info/RECORD,,")
    files[f"tinydep-{version}.dist-info/RECORD"] = "\n".join(record).encode()
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / f"tinydep-{version}-py3-none-any.whl", "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def make_course(folder, root, pin="tinydep==1.0"):
    folder.mkdir(parents=True)
    shutil.copy(root / "course.py", folder / "course.py")
    (folder / "pyproject.toml").write_text(PYPROJECT)
    (folder / "backend.py").write_text(BACKEND)
    (folder / "cellseg").mkdir()
    (folder / "cellseg" / "__init__.py").write_text("")
    (folder / "constraints.txt").write_text(f"# the tested versions\n{pin}\n")
    return folder


def no_network_env():
    """pip with its index at a closed local port, no configuration file, no extra places to look."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "CELLSEG_"))}
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env.update(PIP_INDEX_URL=f"http://127.0.0.1:{port}/simple", PIP_CONFIG_FILE=os.devnull, PIP_RETRIES="0",
               PIP_TIMEOUT="5", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def ensure(course, python=sys.executable, wheelhouse=None):
    """Run ``course.ensure_environment`` in the folder ``course`` as ``python3 course.py build`` does."""
    code = f"import course; print('python:', course.ensure_environment(wheelhouse={wheelhouse!r}))"
    return subprocess.run([str(python), "-c", code], cwd=course, env=no_network_env(), capture_output=True,
                          text=True, timeout=300)


def version(course):
    result = subprocess.run([str(course / ".venv" / "bin" / "python"), "-c", "import tinydep; print(tinydep.VERSION)"],
                            capture_output=True, text=True, timeout=60)
    return result.stdout.strip()


def test_a_room_without_network(root, tmp_path):
    course = make_course(tmp_path / "course", root)
    wheels = tmp_path / "wheels"
    make_wheel(wheels, "1.0")

    # 1. A new clone, no network, no wheelhouse: one line says what is missing and how to get it,
    #    and no half-made .venv/ stays behind.
    result = ensure(course)
    assert result.returncode == 1
    error = result.stderr.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("[course] ERROR: cannot install the course's packages"), error
    assert "python3 course.py wheelhouse DIR" in error[0] and "build --from DIR" in error[0]
    assert "Traceback" not in result.stderr and not (course / ".venv").exists()

    # 2. From the wheelhouse, with pip's index closed: installed (and timed).
    started = time.perf_counter()
    result = ensure(course, wheelhouse=str(wheels))
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"from {wheels}" in result.stdout and version(course) == "1.0"
    print(f"offline install of the stand-in from a wheelhouse: {seconds:.1f} s")

    # 3. A comment changes in constraints.txt (a git pull): nothing is installed, nothing downloaded.
    constraints = course / "constraints.txt"
    constraints.write_text("# the tested versions (regenerated)\n# a new comment\ntinydep==1.0\n")
    result = ensure(course)
    assert result.returncode == 0 and "installing" not in result.stdout, result.stdout + result.stderr
    # ... and the stamp now records the new file, so the next run does not even look
    assert ensure(course).stdout.count("\n") == 1

    # 4. A real pin change, offline: one line naming the package, its pin and what is installed;
    #    the environment still works as it was.
    constraints.write_text("tinydep==2.0\n")
    result = ensure(course)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()
    assert len(last) == 1 and "cannot install tinydep==2.0 (installed: 1.0)" in last[0], result.stderr
    assert version(course) == "1.0"
    # a wheelhouse without that version says so
    result = ensure(course, wheelhouse=str(wheels))
    assert result.returncode == 1 and "tinydep==2.0" in result.stderr, result.stderr
    assert f"is not in {wheels}: make it again with python3 course.py wheelhouse DIR" in result.stderr
    make_wheel(wheels, "2.0")
    result = ensure(course, wheelhouse=str(wheels))
    assert result.returncode == 0 and version(course) == "2.0", result.stderr

    # 5. A conda environment that holds the course (conda env create -f environment.yml): used as
    #    it is, with no .venv/ made. Here the environment above, moved and marked as conda's.
    env = tmp_path / "conda-env"
    (course / ".venv").rename(env)
    (env / "conda-meta").mkdir()
    python = env / "bin" / "python"
    check = ("import course; print(course.environment_prefix()); print(course.environment_name()); "
             "print(course.venv_bin('jupyter')); print(course.environment_ready())")
    result = subprocess.run([str(python), "-c", check], cwd=course, capture_output=True, text=True,
                            env=no_network_env(), timeout=120)
    lines = result.stdout.split("\n")
    assert lines[:4] == [str(env), f"the conda environment {env}", str(env / "bin" / "jupyter"), "True"], result
    result = ensure(course, python)
    assert result.returncode == 0 and result.stdout.strip() == f"python: {python}", result.stdout + result.stderr
    assert not (course / ".venv").exists()
    # one that lacks what the course needs is not taken for it
    constraints.write_text("tinydep==2.0\n")
    (course / "pyproject.toml").write_text(PYPROJECT.replace('"tinydep>=1"', '"tinydep>=3"'))
    result = subprocess.run([str(python), "-c", "import course; print(course.other_environment())"], cwd=course,
                            capture_output=True, text=True, env=no_network_env(), timeout=120)
    assert result.stdout.strip() == "None", result.stdout + result.stderr


def test_ctrl_c_ends_with_one_line(root, tmp_path):
    """Ctrl-C while the environment is being made (the index answers nothing): one line, no half-made .venv/."""
    course = make_course(tmp_path / "course", root)
    with socket.socket() as server:  # accepts connections and never answers
        server.bind(("127.0.0.1", 0))
        server.listen()
        env = {**no_network_env(), "PIP_INDEX_URL": f"http://127.0.0.1:{server.getsockname()[1]}/simple",
               "PIP_TIMEOUT": "60"}
        process = subprocess.Popen([sys.executable, "course.py", "build"], cwd=course, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 60
        while not (course / ".venv").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the environment is half made
        os.killpg(process.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err
    assert err.strip().splitlines() == ["[course] stopped (Ctrl-C): python3 course.py build did not finish."], err
    assert not (course / ".venv").exists()


def test_a_second_test_run_refuses_instead_of_deleting_the_first_ones_build(root, tmp_path):
    course = make_course(tmp_path / "course", root)
    first = course / "_build" / "test" / "executions"
    first.mkdir(parents=True)
    lock = course / "_build" / "test.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(f"{holder.pid}\n")
        result = subprocess.run([sys.executable, "course.py", "test"], cwd=course, capture_output=True, text=True,
                                env=no_network_env(), timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1 and first.is_dir(), result.stderr
    assert result.stderr.strip().splitlines() == [
        f"[course] ERROR: python3 course.py test is already running in this folder (process {holder.pid}); wait "
        f"until it ends and run it again (if it is not running, delete {lock})."]
    # the lock of a run that has ended (its process is gone) is taken over
    spec = __import__("importlib.util").util.spec_from_file_location("course_copy", course / "course.py")
    module = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.take_lock(lock, "test") == lock and lock.read_text().strip() == str(os.getpid())
    lock.unlink()


def test_wheelhouse_collects_for_this_computer_then_for_each_platform(root, tmp_path, monkeypatch, capsys):
    """The pip commands of `course.py wheelhouse DIR --platform P --python-version V` (pip itself is not run:
    collecting needs the network; the install from such a folder is tested above)."""
    import importlib.util
    import types

    spec = importlib.util.spec_from_file_location("course_for_wheels", root / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    commands = []

    def run_quietly(cmd, cwd=None, *, keep=None, log=None):
        commands.append([str(c) for c in cmd])
        (tmp_path / "wh").mkdir(exist_ok=True)
        (tmp_path / "wh" / f"w{len(commands)}-py3-none-any.whl").write_bytes(b"x")
        return 0

    monkeypatch.setattr(course, "run_quietly", run_quietly)
    monkeypatch.setattr(course, "ensure_environment", lambda **kwargs: "python")
    args = types.SimpleNamespace(folder=str(tmp_path / "wh"), platform=["win_amd64", "macosx_11_0_arm64"],
                                 python_version="3.12")
    course.wheelhouse(args)
    folder = str(tmp_path / "wh")
    assert len(commands) == 3
    here, *others = commands
    assert here[:4] == ["python", "-m", "pip", "wheel"] and here[here.index("--wheel-dir") + 1] == folder
    needs = course.course_requirements()
    assert set(needs) <= set(here) and "setuptools>=64" in here and str(root / "constraints.txt") in here
    for platform, cmd in zip(args.platform, others):
        assert cmd[3] == "download" and "--only-binary=:all:" in cmd and f"--platform={platform}" in cmd
        assert "--python-version=3.12" in cmd and cmd[cmd.index("--find-links") + 1] == folder
        assert set(needs) <= set(cmd)
    out = capsys.readouterr().out
    assert "3 wheels" in out and "python3 course.py build --from wh" in out
