"""HintFeedback: what the user's accepted and rejected hints teach the type model.

Two kinds of feedback: explicit (the client's `pulsedev.typeHintFeedback` on a
hint) and implicit (a hint shown on a slot that the user has since annotated:
accepted when with the same type, else rejected).  The model keeps what it
learns as a factor per type (`TypeModel.learn_feedback`), persisted beside the
model file (type text -> factor; no paths, no code).  Which hint was shown on
which slot is kept in memory only.

>>> import tempfile
>>> from pathlib import Path
>>> class Model:
...     penalties = {}
...     def learn_feedback(self, feats, type_text, accepted):
...         self.penalties[type_text] = 1.05 if accepted else 0.9
>>> fb = HintFeedback()
>>> fb.path = Path(tempfile.mkdtemp()) / "model-x.feedback.json"
>>> fb.explicit(Model(), {"label": ": int", "accepted": False})
>>> fb.path.read_text()
'{"int": 0.9}'
"""

from __future__ import annotations

import logging
from pathlib import Path

from pulsedev.models.types.modelfile import load_penalties, save_penalties
from pulsedev.models.types.typetext import canonical, normalize

log = logging.getLogger(__name__)


class HintFeedback:
    """The hints shown per document, and the model's feedback file (`path`, set with the model's)."""

    def __init__(self):
        self.path: Path | None = None
        self._shown: dict[str, dict] = {}  # uri -> slot key -> (type shown, features)

    def showing(self, uri: str) -> dict:
        """The document's record of shown hints, to fill in as they are rendered: slot key -> (type, features)."""
        return self._shown.setdefault(uri, {})

    def load(self, model) -> None:
        """Adds the saved factors to a freshly loaded model."""
        if self.path is not None:
            load_penalties(model, self.path)

    def explicit(self, model, item: dict) -> None:
        """An accepted or rejected hint: `{"uri", "line", "character", "label", "accepted"}`."""
        label = str(item.get("label", "")).removeprefix("->").removeprefix(":").strip()
        model.learn_feedback({}, label, bool(item.get("accepted")))
        self._save(model)

    def implicit(self, model, uri: str, annotated) -> None:
        """Slots of a new analysis that are annotated now: each one a hint was shown on teaches the model."""
        shown = self._shown.get(uri)
        if not shown:
            return
        for slot in annotated:
            if slot.key in shown:
                typ, feats = shown.pop(slot.key)
                model.learn_feedback(feats, typ, canonical(typ) == canonical(normalize(slot.annotation)))
                self._save(model)

    def clear(self) -> None:
        """Forgets which hints were shown (`forget` deletes the feedback files with the models)."""
        self._shown.clear()

    def _save(self, model) -> None:
        if self.path is None:
            return
        try:
            save_penalties(model.penalties, self.path)
        except OSError:
            log.warning("could not save type feedback to %s", self.path)
