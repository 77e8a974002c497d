"""The failure board: which failures stand, per document, from `test_run` and `error_occurred` events.

A `test_run` replaces the failures it reports (a green run clears them); an
`error_occurred` with a document and line adds one until the next run.
`update` returns the documents whose failures changed, so diagnostics are
published only when something changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import Event

#: The kinds that carry failures.
FAILURE_KINDS = frozenset({"test_run", "error_occurred"})


@dataclass(frozen=True)
class Failure:
    """One failure at a line (0-based) of a document."""

    uri: str
    line: int
    error_type: str
    message: str
    test_id: str = ""

    @property
    def signature(self) -> str:
        """What makes two failures 'the same' (for repeats and for suggesting once)."""
        return f"{self.error_type}|{self.test_id or self.uri}|{self.line}"


def _line(value) -> int:
    return max(0, int(value) - 1) if isinstance(value, int) else 0


class FailureBoard:
    """Standing failures per document URI.

    >>> board = FailureBoard()
    >>> sorted(board.update(Event("test_run", 1.0, None, {"passed": 1, "failed": 1, "failures": [
    ...     {"test_id": "t::a", "error_type": "KeyError", "message": "'k'", "uri": "file:///a.py", "line": 3}]})))
    ['file:///a.py']
    >>> board.by_uri["file:///a.py"][0].line
    2
    >>> board.update(Event("file_saved", 1.5, "file:///a.py"))  # other kinds change nothing
    set()
    >>> sorted(board.update(Event("test_run", 2.0, None, {"passed": 2, "failed": 0})))
    ['file:///a.py']
    >>> board.by_uri
    {}
    """

    def __init__(self) -> None:
        self.by_uri: dict[str, list[Failure]] = {}

    def update(self, event: Event) -> set[str]:
        """Fold in one event; the URIs whose failures changed."""
        if event.kind not in FAILURE_KINDS or (event.kind == "error_occurred" and not event.uri):
            return set()
        before = {uri: list(fs) for uri, fs in self.by_uri.items()}
        if event.kind == "test_run":
            self.by_uri = {}
            for f in event.get("failures") or []:
                uri = f.get("uri")
                if isinstance(uri, str) and uri:
                    self.by_uri.setdefault(uri, []).append(Failure(
                        uri, _line(f.get("line")), f.get("error_type") or "Error", f.get("message") or "",
                        f.get("test_id") or ""))
        else:
            failure = Failure(event.uri, _line(event.get("line")), event.get("error_type") or "Error",
                              event.get("message") or "")
            current = self.by_uri.setdefault(event.uri, [])
            if failure not in current:
                current.append(failure)
        return {uri for uri in set(before) | set(self.by_uri) if before.get(uri) != self.by_uri.get(uri)}
