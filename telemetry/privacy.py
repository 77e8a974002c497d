"""Privacy: how a document's URI is written down, per `privacy.paths`.

- `hashed` (default): a keyed BLAKE2 digest, salted per data dir, so the same
  file always maps to the same token but the name cannot be read back;
- `relative`: the path relative to the workspace root (hashed when outside it);
- `none`: no path at all.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlparse

MODES = ("hashed", "relative", "none")


class PathPolicy:
    """Maps URIs to what the store keeps; cached, since editors repeat URIs."""

    def __init__(self, mode: str, salt: bytes, root: Path | None = None):
        if mode not in MODES:
            raise ValueError(f"Invalid privacy.paths {mode!r}. Valid values are: {', '.join(MODES)}")
        self.mode = mode
        self.salt = salt
        self.root = root.resolve() if root else None
        self._cache: dict[str, str | None] = {}

    def hash(self, uri: str) -> str:
        """The salted digest of a URI.

        >>> PathPolicy("hashed", b"salt").apply("file:///home/me/secret.py")
        'h:9ca49709b7aa36a7b6d6f4de'
        """
        return "h:" + hashlib.blake2b(uri.encode("utf-8", "surrogatepass"), key=self.salt[:64],
                                      digest_size=12).hexdigest()

    def apply(self, uri: str | None) -> str | None:
        """What the store keeps for this URI."""
        if uri is None or self.mode == "none":
            return None
        cached = self._cache.get(uri)
        if cached is not None:
            return cached
        out = self._relative(uri) if self.mode == "relative" else None
        out = out or self.hash(uri)
        if len(self._cache) > 10000:
            self._cache.clear()
        self._cache[uri] = out
        return out

    def _relative(self, uri: str) -> str | None:
        if self.root is None:
            return None
        parsed = urlparse(uri)
        if parsed.scheme not in ("file", ""):
            return None
        try:
            return Path(unquote(parsed.path)).resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return None
