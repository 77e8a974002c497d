"""Static evidence of one slot of a source text, for the tests of the type rules."""

from __future__ import annotations

import ast

from pulsedev.models.types.context import FileContext
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import evidence_for


def evidence_at(src: str, kind: str, name: str, qualname: str | None = None, module: str = "", index=None):
    """The evidence for the slot of `kind` called `name` (in def `qualname`, if given) of `src`,
    read as the module `module` of a workspace `index` (or alone)."""
    tree = ast.parse(src)
    slot = next(s for s in find_slots(tree, src) if s.kind == kind and s.name == name
                and qualname in (None, s.qualname))
    return evidence_for(slot, FileContext(tree, module, index))


def index_of(modules: dict[str, str], callsites: bool = False):
    """A workspace index of source texts by dotted module name (no files); with `callsites`, also
    what the workspace's calls pass and the fields its classes declare (`build_callsites`)."""
    from pulsedev.models.types.index import WorkspaceIndex

    index = WorkspaceIndex(None)
    for module, src in modules.items():
        index.update(module, ast.parse(src))
    if callsites:
        index.build_callsites()
    return index
