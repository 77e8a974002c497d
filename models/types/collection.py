"""What pytest collects as tests in a workspace: its `python_files`, `python_classes` and `python_functions`.

pytest's defaults are `test_*.py` and `*_test.py` files, `Test*` classes and
`test*` functions; a project may set others in its configuration, the first of
`pytest.ini` (`[pytest]`), `pyproject.toml` (`[tool.pytest.ini_options]`),
`tox.ini` (`[pytest]`) and `setup.cfg` (`[tool:pytest]`) at the workspace root
that has a pytest section.  A pattern of files is a glob of the file's name;
one of classes or functions is a prefix, or a glob when it has glob
characters.  Only files are read: nothing is run.

>>> names = Collection(functions=("check_*", "test"))
>>> names.is_test_file("pkg.tests.test_io"), names.is_test_file("pkg.io"), names.is_test_file("pkg.conftest")
(True, False, True)
>>> names.is_test_function("check_io"), names.is_test_function("testing"), names.is_test_function("helper")
(True, True, False)
"""

from __future__ import annotations

import configparser
import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path

#: Where a project configures pytest, in the order pytest looks, with the section that holds it.
CONFIG_FILES = (("pytest.ini", "pytest"), ("pyproject.toml", None), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))


@dataclass(frozen=True)
class Collection:
    """pytest's collection patterns (its defaults unless a configuration says otherwise)."""

    files: tuple[str, ...] = ("test_*.py", "*_test.py")
    classes: tuple[str, ...] = ("Test",)
    functions: tuple[str, ...] = ("test",)

    def is_test_file(self, module: str) -> bool:
        """Whether pytest collects tests (or, for `conftest`, fixtures) from a module, by its dotted name."""
        name = module.rsplit(".", 1)[-1] + ".py"
        return name == "conftest.py" or any(fnmatch.fnmatch(name, p) for p in self.files)

    def is_test_class(self, name: str) -> bool:
        return _matches(name, self.classes)

    def is_test_function(self, name: str) -> bool:
        return _matches(name, self.functions)


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name, p) if any(c in p for c in "*?[") else name.startswith(p) for p in patterns)


def read_collection(root: Path | None) -> Collection:
    """The workspace's collection patterns, from the first configuration file with a pytest section."""
    for file, section in CONFIG_FILES if root is not None else ():
        try:
            found = _options(root / file, section)
        except (OSError, UnicodeDecodeError, ValueError, configparser.Error, tomllib.TOMLDecodeError):
            continue
        if found is not None:
            keys = {"files": "python_files", "classes": "python_classes", "functions": "python_functions"}
            return Collection(**{field: words for field, key in keys.items() if (words := _words(found.get(key)))})
    return Collection()


def _options(path: Path, section: str | None) -> dict | None:
    """The pytest options a configuration file sets, or None when it has no pytest section."""
    if not path.is_file():
        return None
    if section is None:
        options = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("pytest", {})
        return options.get("ini_options") if isinstance(options, dict) else None
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser[section]) if parser.has_section(section) else None


def _words(value) -> tuple[str, ...]:
    """An option's patterns: a TOML list, or an ini value's whitespace-separated words."""
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
