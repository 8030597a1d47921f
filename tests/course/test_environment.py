"""The pip and conda descriptions of the environment must agree."""

import os
import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

import yaml


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement):
    return _norm(re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0])


def _pyproject(root):
    """What course.py installs: the dependencies and the course and napari extras."""
    data = tomllib.loads((root / "pyproject.toml").read_text())
    project = data["project"]
    extras = project["optional-dependencies"]
    return {_name(r) for r in project["dependencies"] + extras["course"] + extras["napari"]}


def _conda(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                if not line.startswith("-"):
                    name, _, version = line.split("#")[0].strip().partition("==")
                    pip[_name(name)] = version
        else:
            match = re.match(r"([A-Za-z0-9_.-]+)\s*(?:=+\s*([^\s,<>]+))?", dep)
            conda[_norm(match[1])] = match[2]
    conda.pop("python"), conda.pop("pip")
    return conda, pip


def _constraints(root):
    pins = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req, _, marker = line.partition(";")
        name, _, version = req.strip().partition("==")
        if not marker or '>= "3.11"' in marker:
            pins[_norm(name)] = version
    return pins


#: what the book's build with warnings as errors depends on besides the course extra
BUILD_PINS = {"docutils", "jupyter-cache", "myst-nb", "myst-parser", "pydata-sphinx-theme", "sphinx",
              "sphinx-book-theme", "sphinxcontrib-bibtex"}


def test_conda_and_pip_name_the_same_packages(root):
    conda, pip = _conda(root)
    assert set(conda) | set(pip) == _pyproject(root) | BUILD_PINS


def test_conda_states_the_python_that_its_pins_need(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    (python,) = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    markers = set(re.findall(r'python_version >= "([\d.]+)"', (root / "constraints.txt").read_text()))
    assert markers == {"3.11"}  # the pins environment.yml copies are the ones for this Python and newer
    assert python == f"python>={markers.pop()}"


def test_the_notebooks_extra_is_part_of_the_course_extra(root):
    extras = tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {_name(r) for r in extras["notebooks"]} <= {_name(r) for r in extras["course"]}


def test_the_notebooks_extra_covers_what_the_notebooks_import(root):
    import ast

    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    installed = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["notebooks"]}
    distribution = {"skimage": "scikit-image", "imageio": "scikit-image",  # imageio comes with scikit-image
                    "IPython": "ipykernel", "cellseg": "cellseg", "cellseg_course": "cellseg",
                    "mpl_toolkits": "matplotlib", "app_model": "napari"}  # app_model comes with napari
    # napari is optional: lessons/correct-by-hand.md skips its viewer cells without it
    installed_or_optional = installed | {_name(r) for r in project["optional-dependencies"]["napari"]}
    imported = set()
    for md in sorted(p for d in ("lessons", "solutions") for p in (root / d).glob("*.md")):
        for code in re.findall(r"```\{code-cell\} ipython3\n(.*?)\n```", md.read_text(), re.S):
            code = re.sub(r"\A---\n.*?\n---\n", "", code, flags=re.S)  # a cell's YAML options block
            code = "\n".join(line for line in code.splitlines() if not line.startswith((":", "%")))
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names}
    needed = {_norm(distribution.get(m, m)) for m in third_party} - {"cellseg", "ipykernel"}
    assert needed <= installed_or_optional, f"add to the notebooks extra: {sorted(needed - installed_or_optional)}"


def test_binder_installs_the_course_after_copying_the_repository(root):
    runtime = (root / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"
    post = root / "binder" / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    script = post.read_text()
    assert '--constraint constraints.txt ".[notebooks]"' in script and script.startswith("#!/bin/bash")
    assert not (root / "binder" / "environment.yml").exists()  # it would be installed before the copy


def test_conda_versions_agree_with_the_tested_constraints(root):
    conda, pip = _conda(root)
    pins = _constraints(root)
    for name, version in conda.items():
        assert version, f"environment.yml should give a version for {name}"
        assert pins[name].startswith(version + "."), (name, version, pins[name])
    for name, version in pip.items():
        assert pins[name] == version, (name, version, pins[name])


def test_every_course_package_is_pinned(root):
    pins = _constraints(root)
    missing = _pyproject(root) - set(pins)
    assert not missing, f"constraints.txt has no version for {sorted(missing)}"
    assert pins["jupyter-book"].startswith("1.")
    assert "cellseg" not in pins
