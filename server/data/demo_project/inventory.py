"""A small unannotated module: the demo asks PulseDev for its types."""

import os
from collections import Counter


class Item:
    def __init__(self, name, price=0.0, quantity=1, tags=None):
        self.name = name
        self.price = price
        self.quantity = quantity
        self.tags = tags or []

    def total(self):
        return self.price * self.quantity

    def label(self, prefix="item"):
        return f"{prefix}: {self.name}"


def load_names(path, encoding="utf-8"):
    with open(path, encoding=encoding) as handle:
        names = [line.strip() for line in handle]
    return names


def count_tags(items):
    counts = Counter()
    for item in items:
        counts.update(item.tags)
    return counts


def cheapest(items, limit=3):
    ordered = sorted(items, key=lambda item: item.price)
    return ordered[:limit]


def describe(items, verbose=False):
    total = sum(item.total() for item in items)
    lines = [item.label() for item in items]
    if verbose:
        lines.append(f"total: {total}")
    return "\n".join(lines)


def data_dir(name, create=True):
    path = os.path.join(os.path.expanduser("~"), name)
    if create:
        os.makedirs(path, exist_ok=True)
    return path
