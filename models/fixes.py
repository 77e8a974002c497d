"""Failure explanations and fixes, learning which advice helps this developer.

`FixAdvisor` maps a failure (error type and message) to an explanation and a
fix strategy, ranked by `Helpfulness` (a Beta posterior per strategy): the
advice shown is the one with the best posterior mean, with that mean as its
confidence, and "helpful / not helpful" feedback updates it at once.  It
never edits code: it explains and suggests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pulsedev.models.helpfulness import Helpfulness

#: error type -> [(strategy, what it means, what to try)], most likely helpful first.
ADVICE: dict[str, list[tuple[str, str, str]]] = {
    "AssertionError": [
        ("compare", "a test's expectation did not hold",
         "compare the expected and actual values in the message; print or debug the value just before the assert"),
        ("smaller", "a test's expectation did not hold",
         "write a smaller test for the piece that changed last and run only that test (pytest -k)"),
    ],
    "KeyError": [
        ("missing-key", "a dict was asked for a key it does not have",
         "check where the key should have been added; use .get(key, default) if it may be absent"),
        ("print-keys", "a dict was asked for a key it does not have", "print the dict's keys just before the lookup"),
    ],
    "IndexError": [
        ("bounds", "a sequence was indexed past its end",
         "check the length before indexing; an empty list and an off-by-one range are the usual causes"),
    ],
    "TypeError": [
        ("types", "a value of the wrong type reached an operation or call",
         "check the argument order and count in the call, and for a None returned earlier"),
    ],
    "AttributeError": [
        ("none", "an attribute was read from an object that does not have it",
         "the object is often None or of another class than expected: check what produced it"),
    ],
    "ValueError": [
        ("input", "a value had the right type but an unacceptable content",
         "check the input's format (empty strings, units, parsing) where it enters the function"),
    ],
    "NameError": [
        ("import", "a name was used that is not defined there", "check the spelling and the import"),
    ],
    "ImportError": [
        ("env", "a module could not be imported", "check the interpreter/virtualenv in use and the module's name"),
    ],
    "ModuleNotFoundError": [
        ("env", "a module could not be found", "install it into the interpreter that runs the code, or fix its name"),
    ],
    "ZeroDivisionError": [
        ("guard", "a division by zero", "guard the divisor (an empty collection's length is the usual cause)"),
    ],
    "RecursionError": [
        ("base-case", "a function called itself without end",
         "check the base case and that each call shrinks the input"),
    ],
}
GENERIC = [("read", "the code raised an error", "read the traceback from its last frame in your code upwards")]
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class Advice:
    """An explanation and a fix for one failure."""

    error_type: str
    strategy: str
    title: str
    message: str
    confidence: float


class FixAdvisor:
    """Advice per error type, ranked by this developer's feedback.

    >>> a = FixAdvisor()
    >>> a.advise("KeyError", "'user_id'").strategy
    'missing-key'
    >>> for _ in range(4):
    ...     a.learn_one("KeyError", "missing-key", helpful=False)
    >>> a.advise("KeyError", "'user_id'").strategy
    'print-keys'
    """

    def __init__(self, path: Path | None = None):
        self.helpfulness = Helpfulness(path)

    @staticmethod
    def _options(error_type: str) -> list[tuple[str, str, str]]:
        return ADVICE.get(error_type.rsplit(".", 1)[-1], GENERIC)

    def advise(self, error_type: str, message: str = "") -> Advice:
        """The best advice for a failure, with its posterior helpfulness as confidence."""
        error_type = error_type if _WORD.match(error_type or "") else "Error"
        options = self._options(error_type)
        strategy, mean = self.helpfulness.best(error_type, [o[0] for o in options])
        _, meaning, fix = next(o for o in options if o[0] == strategy)
        detail = f" ({message.strip()[:120]})" if message and message.strip() else ""
        return Advice(error_type, strategy, f"{error_type}: {meaning}", f"{error_type}{detail}: {meaning}. Try: {fix}.",
                      mean)

    def learn_one(self, error_type: str, strategy: str, helpful: bool) -> None:
        """Feedback on one piece of advice."""
        self.helpfulness.learn_one(error_type, strategy, [o[0] for o in self._options(error_type)], helpful)
