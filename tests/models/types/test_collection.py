"""What pytest collects as tests (collection.py): its defaults, and the project's configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulsedev.models.types.collection import Collection, read_collection


def test_without_a_configuration_pytest_s_defaults_hold(tmp_path: Path):
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = app\n")  # no pytest section
    names = read_collection(tmp_path)
    assert names == Collection()
    assert names.is_test_file("tests.test_io") and names.is_test_file("io_test")
    assert not names.is_test_file("tests.helpers") and names.is_test_file("tests.conftest")
    assert names.is_test_class("TestReader") and not names.is_test_class("Reader")
    assert names.is_test_function("test_read") and names.is_test_function("tests_all")


@pytest.mark.parametrize("file, text", [
    ("pytest.ini", "[pytest]\npython_files = check_*.py\npython_functions = check_* verify\n"),
    ("pyproject.toml", "[tool.pytest.ini_options]\npython_files = ['check_*.py']\n"
                       "python_functions = ['check_*', 'verify']\n"),
    ("tox.ini", "[tox]\nenvlist = py311\n\n[pytest]\npython_files = check_*.py\npython_functions = check_* verify\n"),
    ("setup.cfg", "[tool:pytest]\npython_files = check_*.py\npython_functions = check_* verify\n"),
])
def test_a_projects_configuration_names_its_tests(tmp_path: Path, file, text):
    (tmp_path / file).write_text(text)
    names = read_collection(tmp_path)
    assert names.files == ("check_*.py",) and names.functions == ("check_*", "verify")
    assert names.classes == ("Test",)  # not set: pytest's default
    assert names.is_test_file("suite.check_io") and not names.is_test_file("suite.test_io")
    assert names.is_test_function("check_read") and names.is_test_function("verify_all")  # a glob, a prefix
    assert not names.is_test_function("test_read")


def test_the_first_file_with_a_pytest_section_wins_and_a_broken_one_is_passed_over(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")  # no pytest section: passed over
    (tmp_path / "tox.ini").write_text("[pytest]\npython_classes = Check\n")
    (tmp_path / "setup.cfg").write_text("[tool:pytest]\npython_classes = Suite\n")
    assert read_collection(tmp_path).classes == ("Check",)
    (tmp_path / "pytest.ini").write_text("[pytest\nbroken")
    assert read_collection(tmp_path).classes == ("Check",)
    assert read_collection(None) == Collection()
