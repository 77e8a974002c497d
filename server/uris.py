"""URI and path conversion, in one place."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse


def to_path(uri: str) -> Path | None:
    """The local path of a `file:` URI (None for other schemes)."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return None
    return Path(unquote(parsed.path))
