"""target.py: the oldest Python a workspace declares, else its interpreter's."""

from __future__ import annotations

import sys

import pytest

from pulsedev.models.types.target import floor, target_version


@pytest.mark.parametrize("spec, want", [(">=3.8", (3, 8)), (">= 3.9, <4", (3, 9)), ("~=3.10", (3, 10)),
                                        ("^3.7", (3, 7)), (">3.8", (3, 9)), ("==3.12.*", (3, 12)),
                                        ("<4", None), ("", None), (">=2.7, !=3.0.*", None)])
def test_floor_reads_the_lower_bound(spec, want):
    assert floor(spec) == want


@pytest.mark.parametrize("name, text", [
    ("pyproject.toml", '[project]\nname = "x"\nrequires-python = ">=3.8"\n'),
    ("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.8"\n'),
    ("setup.cfg", "[options]\npackages = find:\npython_requires = >=3.8\n"),
    ("setup.py", 'from setuptools import setup\nsetup(name="x", python_requires=">=3.8")\n'),
])
def test_the_project_declares_its_oldest_python(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    assert target_version(tmp_path, sys.executable) == (3, 8)


def test_without_a_declaration_the_interpreter_decides(tmp_path):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.9.18\n")
    assert target_version(tmp_path, str(venv / "bin" / "python")) == (3, 9)
    assert target_version(tmp_path, "/opt/bin/python3.10") == (3, 10)
    assert target_version(tmp_path, sys.executable) == sys.version_info[:2]
    assert target_version(None) == sys.version_info[:2]


def test_a_damaged_pyproject_is_no_declaration(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project\nrequires-python = >=3.8")
    assert target_version(tmp_path, sys.executable) == sys.version_info[:2]


def test_the_engine_rereads_the_target_when_the_project_file_changes(tmp_path):
    from pulsedev.models.types.engine import TypeEngine

    root = tmp_path / "ws"
    root.mkdir()
    changes = []
    engine = TypeEngine(root, tmp_path / "data", python=sys.executable, on_change=lambda: changes.append(1),
                        train=False)
    assert engine.target == sys.version_info[:2]
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.8"\n')
    engine.files_changed([root / "pyproject.toml"])
    assert engine.target == (3, 8) and changes
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.9"\n')
    engine.saved((root / "pyproject.toml").as_uri(), "")
    assert engine.target == (3, 9)
    engine.stop()
