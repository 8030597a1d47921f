"""The pip and conda descriptions of the environment must agree."""

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
    data = tomllib.loads((root / "pyproject.toml").read_text())
    project = data["project"]
    return {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["course"]}


def _conda(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                if not line.startswith("-"):
                    name, _, version = line.partition("==")
                    pip[_norm(name)] = version
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


def test_conda_and_pip_name_the_same_packages(root):
    conda, pip = _conda(root)
    assert set(conda) | set(pip) == _pyproject(root)


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
