"""Every docstring example in the package runs (the learners' seeded doctests among them)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest
from _pytest.doctest import _get_checker  # pytest's checker: understands NUMBER, as --doctest-modules does

SKIP = {"pulsedev.__main__"}


def _modules():
    # telemetry/ and models/ sit outside server/ (package-dir mapping): walk each package's own path.
    import pulsedev.models
    import pulsedev.telemetry

    seen = set()
    for package in (pulsedev, pulsedev.telemetry, pulsedev.models):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name not in SKIP and info.name not in seen:
                seen.add(info.name)
                yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS | doctest.register_optionflag("NUMBER")
    runner = doctest.DocTestRunner(checker=_get_checker(), optionflags=flags, verbose=False)
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
