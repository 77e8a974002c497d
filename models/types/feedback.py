"""HintFeedback: what the user's accepted and rejected hints teach, kept across restarts.

Feedback comes two ways: explicitly (the "Hide type hint" code action, which
runs `pulsedev.typeHintFeedback` for that hint) and implicitly (a hint shown on
a slot that the user has since annotated: accepted when with the same type,
else rejected).  Each teaches at three reaches:

- the slot itself: a rejected type is never shown there again (the hint is
  hidden until its type changes, or until `unhide`, the "Show hidden type
  hints" command);
- the same name elsewhere: a parameter or variable of that name, or a def of
  that name, gets that type at a lower confidence (x0.85 per rejection, down
  to x0.3; each acceptance takes back x1.1, up to x1);
- the type everywhere: the model's own factor for it (`TypeModel.learn_feedback`).

Everything is in one JSON file (`types/feedback.json` in the data folder):
type texts with their factors, and digests of (name, type) and of (document,
slot, type) — no path, no name, no code.  The servers of several editor
windows share it: each save, under a file lock, merges what this server
changed into the file as it is then, and takes the result in; `refresh()`
takes in what another window saved (the engine calls it per analysis: one
`stat`).  Which hint was shown on which slot is kept in memory only.
`forget` deletes the file.

>>> import tempfile
>>> from pathlib import Path
>>> fb = HintFeedback(Path(tempfile.mkdtemp()) / "feedback.json")
>>> fb.factor("parameter", "value", "str")
1.0
>>> fb.learn(None, "file:///a.py", ("parameter", "f", "value"), "str", {}, accepted=False)
>>> fb.factor("parameter", "value", "str"), fb.factor("parameter", "other", "str")
(0.85, 1.0)
>>> fb.hidden("file:///a.py", ("parameter", "f", "value"), "str")
True
>>> HintFeedback(fb.path).factor("parameter", "value", "str")  # read back after a restart
0.85
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from pathlib import Path

from filelock import FileLock, Timeout

from pulsedev.models.types.typetext import canonical, normalize

log = logging.getLogger(__name__)

VERSION = 2
MAX_HIDDEN = 10_000  # the newest hidden hints kept
LOCK_TIMEOUT = 5.0  # seconds to wait for another server's save
REJECT, ACCEPT, FLOOR = 0.85, 1.1, 0.3  # one rejection dims a name's hints, a few hide them


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=8).hexdigest()


def _type(type_text: str) -> str:
    """The type's canonical text (the text itself if it does not parse)."""
    return canonical(type_text) or type_text


def _name_of(key: tuple[str, str, str]) -> str:
    """The name a slot shares with others: its own, or for a return its def's (last part of the qualname)."""
    kind, qualname, name = key
    return qualname.rsplit(".", 1)[-1] if kind == "return" else name


class HintFeedback:
    """Feedback state (see module doc); `path` is its file (None: memory only).  Not locked itself:
    the engine calls it under its analysis lock."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.types: dict[str, float] = {}  # type text -> factor (the model's penalties)
        self.names: dict[str, float] = {}  # digest of (kind, name, type) -> factor
        self.hidden_hints: dict[str, None] = {}  # digests of (uri, slot, type), oldest first
        self._shown: dict[str, dict] = {}  # uri -> slot key -> (type shown, features)
        # What this server changed since its last save, merged into the file as it is then (another
        # editor window's server may have saved its own feedback since): factors (1.0: none left),
        # hints hidden, and whether all hidden hints were shown again.
        self._changed: dict[str, dict] = {"types": {}, "names": {}}
        self._hid: list[str] = []
        self._unhid = False
        self._seen: tuple | None = None  # the file's stamp when this server last read or wrote it
        self.refresh()

    # -- reading -----------------------------------------------------------------------
    def factor(self, kind: str, name: str, type_text: str) -> float:
        """How much feedback on the same name and type lowers a hint's confidence (1.0: not at all)."""
        return self.names.get(_digest(kind, name, _type(type_text)), 1.0)

    def hidden(self, uri: str, key: tuple[str, str, str], type_text: str) -> bool:
        """Whether the user rejected this type on this slot."""
        return _digest(uri, *key, _type(type_text)) in self.hidden_hints

    def adjust(self, uri: str, key: tuple[str, str, str], prediction):
        """The prediction as feedback leaves it: None when hidden, else at its confidence times the name's factor."""
        if prediction is None or not (self.names or self.hidden_hints):
            return prediction
        if self.hidden(uri, key, prediction.type):
            return None
        f = self.factor(key[0], _name_of(key), prediction.type)
        if f == 1.0:
            return prediction
        return dataclasses.replace(prediction, confidence=prediction.confidence * f,
                                   words=f"{prediction.words}; lowered by your feedback on `{_name_of(key)}`")

    def showing(self, uri: str) -> dict:
        """The document's record of shown hints, filled in as they are rendered: slot key -> (type, features)."""
        return self._shown.setdefault(uri, {})

    def shown(self, uri: str, key: tuple[str, str, str]) -> tuple[str, dict] | None:
        """The type and features of the hint last shown on a slot."""
        return self._shown.get(uri, {}).get(tuple(key))

    # -- learning ----------------------------------------------------------------------
    def take(self, model, item: dict) -> bool:
        """`pulsedev.typeHintFeedback`'s argument, `{"uri", "slot": [kind, qualname, name], "label", "accepted"}`
        (the hide action's): learns from it; with the label only, the type alone learns.  False if unusable."""
        label = str(item.get("label", "")).removeprefix("->").removeprefix(":").strip()
        uri, key, accepted = item.get("uri"), item.get("slot"), bool(item.get("accepted"))
        if not label or len(label) > 200 or canonical(label) is None:  # not a type: nothing to learn
            return False
        if isinstance(uri, str) and isinstance(key, list) and len(key) == 3 and all(isinstance(k, str) for k in key):
            shown = self.shown(uri, tuple(key))
            self.learn(model, uri, tuple(key), label, shown[1] if shown else {}, accepted)
        else:
            self.learn_type(model, label, {}, accepted)
        return True

    def learn(self, model, uri: str, key: tuple[str, str, str], type_text: str, feats: dict,
              accepted: bool) -> None:
        """One accepted or rejected hint, at all three reaches (see module doc); saved at once."""
        self._teach(model, uri, key, type_text, feats, accepted)
        self._saved(model)

    def learn_type(self, model, type_text: str, feats: dict, accepted: bool) -> None:
        """Feedback on a type alone (a client that sends only the label)."""
        self._teach_type(model, type_text, feats, accepted)
        self._saved(model)

    def implicit(self, model, uri: str, annotated) -> None:
        """Slots of a new analysis that are annotated now: each one a hint was shown on teaches (one save)."""
        shown = self._shown.get(uri)
        if not shown:
            return
        taught = False
        for slot in annotated:
            if slot.key in shown:
                typ, feats = shown.pop(slot.key)
                same = canonical(typ) == canonical(normalize(slot.annotation))
                self._teach(model, uri, slot.key, typ, feats, same)
                taught = True
        if taught:
            self._saved(model)

    def _teach(self, model, uri: str, key: tuple[str, str, str], type_text: str, feats: dict,
               accepted: bool) -> None:
        key = tuple(key)
        name = _digest(key[0], _name_of(key), _type(type_text))
        old = self.names.get(name, 1.0)
        new = min(1.0, old * ACCEPT) if accepted else max(FLOOR, old * REJECT)
        self.names[name] = new
        self._changed["names"][name] = new
        if not accepted:
            hidden = _digest(uri, *key, _type(type_text))
            self.hidden_hints[hidden] = None
            self._hid.append(hidden)
        self._teach_type(model, type_text, feats, accepted)

    def _teach_type(self, model, type_text: str, feats: dict, accepted: bool) -> None:
        if model is not None:
            model.learn_feedback(feats, type_text, accepted)
            self._changed["types"][type_text] = model.penalties.get(type_text, 1.0)

    def _saved(self, model) -> None:
        """Saves, and gives the model the type factors as merged (with what other servers taught)."""
        self._save()
        if model is not None:
            self.load(model)

    def load(self, model) -> None:
        """Gives a model the type factors learned so far (a freshly loaded one; after a save or a refresh)."""
        model.penalties.update(self.types)

    def unhide(self) -> int:
        """Shows every hidden hint again and drops what hiding taught about names; returns how many were hidden."""
        n = len(self.hidden_hints)
        self.hidden_hints, self.names = {}, {}
        self._changed["names"], self._hid, self._unhid = {}, [], True
        self._save()
        return n

    def clear(self) -> None:
        """Forgets everything, the file included (`pulsedev.forget`)."""
        self.types, self.names, self.hidden_hints = {}, {}, {}
        self._changed, self._hid, self._unhid = {"types": {}, "names": {}}, [], False
        self._shown.clear()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            Path(f"{self.path}.lock").unlink(missing_ok=True)
            self._seen = None

    # -- the file ----------------------------------------------------------------------
    def _stamp(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def refresh(self, model=None) -> bool:
        """Takes in the file (and gives `model` its type factors) when another server has saved or
        deleted it since this one last read or wrote it; True if so.  One `stat` when nothing changed."""
        if self.path is None or (stamp := self._stamp()) == self._seen:
            return False
        self._seen = stamp
        self.types, self.names, self.hidden_hints = self._read() or ({}, {}, {})
        if model is not None:
            self.load(model)
        return True

    def _read(self) -> tuple[dict, dict, dict] | None:
        """The file's types, names and hidden hints (None: no usable file)."""
        if self.path is None:
            return None
        try:
            data = json.loads(self.path.read_text())
            if data.get("version") != VERSION:
                return None
            return ({str(k): float(v) for k, v in data.get("types", {}).items()},
                    {str(k): float(v) for k, v in data.get("names", {}).items()},
                    dict.fromkeys(str(d) for d in data.get("hidden", [])))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("type hint feedback in %s is unreadable (%s); starting afresh", self.path, exc)
            return None

    def _save(self) -> None:
        """Merges this server's changes into the file as it is now (under the file's lock, which
        the servers of other editor windows take too), and takes the result as its state."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with FileLock(f"{self.path}.lock", timeout=LOCK_TIMEOUT):
                    self._merge_and_write()
            except Timeout:  # a server hung mid-save: save anyway rather than lose this feedback
                log.warning("type hint feedback: %s.lock is held for over %.0f s; saving without it", self.path,
                            LOCK_TIMEOUT)
                self._merge_and_write()
        except OSError as exc:
            log.warning("could not save type hint feedback to %s (%s)", self.path, exc)

    def _merge_and_write(self) -> None:
        types, names, hidden = self._read() or ({}, {}, {})
        if self._unhid:
            names, hidden = {}, {}
        types.update(self._changed["types"])
        names.update(self._changed["names"])
        hidden.update(dict.fromkeys(self._hid))
        names = {k: v for k, v in names.items() if v != 1.0}
        types = {k: v for k, v in types.items() if v != 1.0}
        while len(hidden) > MAX_HIDDEN:
            del hidden[next(iter(hidden))]
        self.types, self.names, self.hidden_hints = types, names, hidden
        self._changed, self._hid, self._unhid = {"types": {}, "names": {}}, [], False
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": VERSION, "types": types, "names": names, "hidden": list(hidden)}))
        stamp = os.stat(tmp)  # a rename keeps it: this is the file's stamp until another server saves
        tmp.replace(self.path)
        self._seen = stamp.st_mtime_ns, stamp.st_size, stamp.st_ino
