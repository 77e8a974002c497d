"""The training corpus (models/types/train.py): files of one package are indexed together, as a workspace."""

from __future__ import annotations

from pulsedev.models.types.corpus import feature_value, package_groups
from pulsedev.models.types.train import collect


def test_training_samples_see_evidence_from_other_modules_of_their_package(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "net.py").write_text("def fetch(url: str, timeout: float = 5.0) -> None:\n    pass\n\n\n"
                                "def close() -> None:\n    pass\n")  # (files with one annotation are not sampled)
    (pkg / "app.py").write_text("from pkg.net import fetch\n\n\n"
                                "def get(url: str, wait: float) -> None:\n    fetch(url, timeout=wait)\n\n\n"
                                "def ping() -> int:\n    return 1\n")
    samples = collect(str(tmp_path / "no-python"), tmp_path, stubs=False)  # no interpreter: the workspace only
    wait = [s for s in samples if feature_value(s.features, "p:name") == "wait"]
    assert len(wait) == 1 and wait[0].group == "<workspace>"
    assert feature_value(wait[0].features, "p:rule") == "forwarded" and wait[0].label == "<static>"


def test_code_another_distribution_was_copied_into_is_not_learned_as_the_package_s(tmp_path):
    pkg = tmp_path / "site" / "pkg"
    (pkg / "externals" / "compat" / "common").mkdir(parents=True)
    (pkg / "__init__.py").write_text('__version__ = "2.1"\n')  # the package's own version: its code is kept
    (pkg / "core.py").write_text("def fit(x: int) -> int:\n    return x\n")
    (pkg / "externals" / "__init__.py").write_text("")
    (pkg / "externals" / "helpers.py").write_text("def ok() -> bool:\n    return True\n")
    (pkg / "externals" / "compat" / "__init__.py").write_text('__version__: str = "1.12.0"\n')  # a copied library
    (pkg / "externals" / "compat" / "common" / "__init__.py").write_text("")
    (pkg / "externals" / "compat" / "common" / "_aliases.py").write_text("def std(axis: int) -> float: ...\n")
    files = package_groups(tmp_path / "site")["pkg"]
    assert sorted(f.relative_to(pkg).as_posix() for f in files) == [
        "__init__.py", "core.py", "externals/__init__.py", "externals/helpers.py"]


def test_sampled_files_are_indexed_with_the_rest_of_their_package(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "net.py").write_text("def retry(count: int) -> None:\n    pass\n\n\n"
                                "def close() -> None:\n    pass\n")
    # never sampled: no annotations
    (pkg / "jobs.py").write_text("from pkg.net import retry\n\n\ndef run():\n    retry(3)\n")
    samples = collect(str(tmp_path / "no-python"), tmp_path, stubs=False)
    count = next(s for s in samples if feature_value(s.features, "p:name") == "count")
    assert feature_value(count.features, "p:rule") == "callsite" and count.label == "<static>"  # jobs.py's call


def test_a_workspace_counts_as_annotated_only_when_it_gives_training_samples(tmp_path):
    from pulsedev.models.types.index import WorkspaceIndex

    overloads = ("from typing import overload\n\n\nclass Box:\n"
                 "    @overload\n    def get(self, key: int) -> int: ...\n"
                 "    @overload\n    def get(self, key: str) -> str: ...\n"
                 "    def get(self, key):\n        return key\n\n"
                 "    def put(self: 'Box', key, value):\n        pass\n")
    (tmp_path / "box.py").write_text(overloads)
    index = WorkspaceIndex(tmp_path)
    index.build()
    assert not index.annotated  # the model's key: the same as a workspace with no annotations
    assert collect(str(tmp_path / "no-python"), tmp_path, stubs=False) == []

    (tmp_path / "net.py").write_text("def fetch(url: str) -> bytes:\n    return b''\n\n\n"
                                     "def close() -> None:\n    pass\n")
    index = WorkspaceIndex(tmp_path)
    index.build()
    assert index.annotated
    assert collect(str(tmp_path / "no-python"), tmp_path, stubs=False)
