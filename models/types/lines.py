"""Lines of a source text, counted as the Python parser and LSP count them.

Both end a line at `\\n`, `\\r\\n` or `\\r` only.  `str.splitlines` also breaks at a
form feed, a vertical tab, `\\x1c`-`\\x1e`, `\\x85`, U+2028 and U+2029, so on a file
with a form feed between sections (the page break of the standard library's
`email` package and of GNU-style code) every line after it would be off by one:
hints drawn a line too low, and annotations inserted where they break the code.

>>> "a = 1\\x0c\\nb = 2\\n".splitlines(keepends=True)
['a = 1\\x0c', '\\n', 'b = 2\\n']
>>> source_lines("a = 1\\x0c\\nb = 2\\n")
['a = 1\\x0c\\n', 'b = 2\\n']
>>> source_lines("a\\r\\nb\\rc"), source_lines("")
(['a\\r\\n', 'b\\r', 'c'], [])
"""

from __future__ import annotations

import re

_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
#: The line breaks of `str.splitlines` that LSP and the parser do not count.
ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def source_lines(text: str) -> list[str]:
    """The lines of `text` with their line ends (`"".join` of them is `text`), as `str.splitlines(True)`
    would give them if it broke at `\\n`, `\\r\\n` and `\\r` alone."""
    if not ODD_BREAKS.search(text):
        return text.splitlines(keepends=True)  # the same lines, several times faster
    return [line for line in _BREAK.split(text) if line]
