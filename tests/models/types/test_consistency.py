"""The usage filter: a builtin candidate that cannot support how the value is used is never chosen."""

from __future__ import annotations

import random

from pulsedev.models.types.consistency import consistent
from pulsedev.models.types.corpus import Sample
from pulsedev.models.types.model import train


def test_builtins_are_judged_by_their_attributes_and_protocols():
    assert consistent("str", {"u:meth=lower": 1.0, "u:iterated": 1.0})
    assert not consistent("str", {"u:meth=sendall": 1.0})
    assert not consistent("int", {"u:iterated": 1.0})
    assert not consistent("bytes | None", {"u:called": 1.0})
    assert consistent("str | bytes", {"u:meth=decode": 1.0})  # either member may have it
    assert consistent("Connection", {"u:meth=sendall": 1.0})  # classes are not judged
    assert consistent("list[int]", {"u:meth=append": 1.0})


def test_a_value_compared_with_a_number_is_not_text_nor_one_compared_with_text_a_number():
    assert not consistent("str", {"u:cmp=int": 1.0})
    assert not consistent("bytes | str", {"u:cmp=float": 1.0})
    assert not consistent("int", {"u:cmp=str": 1.0})
    assert consistent("int | str", {"u:cmp=int": 1.0})  # one member may be compared
    assert consistent("list[int]", {"u:cmp=int": 1.0})
    assert consistent("str", {"u:cmp=int": 1.0, "u:in_right": 1.0})  # `1 in x`: said of its items


def test_the_model_skips_a_likelier_type_that_the_usage_rules_out():
    rng = random.Random(0)
    samples = []
    for i in range(900):
        label = rng.choice(["str", "str", "int", "Socket"])
        feats = {"kind=p": 1.0, "tok=thing": 1.0, f"hint={label}": float(rng.random() < 0.3)}
        samples.append(Sample(feats, label, None, "parameter", f"g{i % 6}"))
    model = train(samples, min_count=2)
    plain = {"kind=p": 1.0, "tok=thing": 1.0}
    assert model.predict([plain], [None], ["parameter"])[0][0] == "str"
    used = {**plain, "u:meth=sendall": 1.0}  # no str or int has .sendall()
    assert model.predict([used], [None], ["parameter"])[0][0] == "Socket"
