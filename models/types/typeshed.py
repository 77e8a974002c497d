"""Reading typeshed's stubs of the standard library (jedi ships them): where they are, one module's
parsed stub, its module-level statements under any version check, the names its `__all__`
exports, and annotations completed as code must write them (`Generator[X, None, None]`).
Each stub is parsed once, when first asked, and kept.
"""

from __future__ import annotations

import ast
import copy
import functools
import importlib.util
from pathlib import Path

from pulsedev.models.types.members import base_name


@functools.lru_cache(maxsize=1)
def typeshed_dir() -> Path | None:
    """jedi's copy of typeshed (found without importing jedi), if jedi is installed beside this server."""
    spec = importlib.util.find_spec("jedi")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "third_party" / "typeshed"
    return path if path.is_dir() else None


@functools.lru_cache(maxsize=256)
def module_stub(module: str) -> ast.Module | None:
    """The parsed typeshed stub of one stdlib module (None if there is none)."""
    root = typeshed_dir()
    if root is None or not module.replace(".", "").isidentifier():
        return None
    base = root / "stdlib" / module.replace(".", "/")
    for path in (base.with_suffix(".pyi"), base / "__init__.pyi"):
        if path.is_file():
            break
    else:
        return None
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def top_level(body: list[ast.stmt]):
    """Module-level statements, those under `if sys.version_info >= ...:` included."""
    for node in body:
        if isinstance(node, ast.If):
            yield from top_level(node.body)
            yield from top_level(node.orelse)
        else:
            yield node


@functools.lru_cache(maxsize=256)
def exported_names(module: str) -> frozenset[str] | None:
    """The names a stub's `__all__` lists (under any version), or None when it has none."""
    tree = module_stub(module)
    names = None
    for node in top_level(tree.body if tree is not None else []):
        target = node.target if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else \
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == "__all__" and isinstance(node.value, (ast.List, ast.Tuple)):
            names = (names or set()) | {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return frozenset(names) if names is not None else None


def full_generators(annotation: ast.expr) -> ast.expr:
    """The annotation with the defaults of `Generator[X]` and `AsyncGenerator[X]` written out, as
    typeshed leaves them out but Python before 3.13 needs them (`Generator[X, None, None]`)."""
    return _FullGenerators().visit(copy.deepcopy(annotation))


_GENERATOR_ARGS = {"Generator": 3, "AsyncGenerator": 2}


class _FullGenerators(ast.NodeTransformer):

    def visit_Subscript(self, node: ast.Subscript) -> ast.Subscript:
        self.generic_visit(node)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        missing = _GENERATOR_ARGS.get(base_name(node), 0) - len(args)
        if missing > 0:
            node.slice = ast.Tuple([*args, *[ast.Constant(None)] * missing], ast.Load())
        return node
