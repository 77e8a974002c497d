from __future__ import annotations

from dataclasses import dataclass


class Item:
    def __init__(self, name: str, price: float, quantity: int = 1) -> None:
        self.name = name
        self.price = price
        self.quantity = quantity

    def total(self) -> float:
        return self.price * self.quantity

    def describe(self, verbose: bool = False) -> str:
        if verbose:
            return f"{self.quantity} x {self.name} at {self.price:.2f}"
        return self.name

    def is_free(self) -> bool:
        return self.price == 0


class Cart:
    def __init__(self, owner: str, currency: str = "EUR") -> None:
        self.owner = owner
        self.currency = currency
        self.items: list[Item] = []

    def add(self, item: Item) -> None:
        self.items.append(item)

    def count(self) -> int:
        return len(self.items)

    def names(self) -> list[str]:
        return [i.name for i in self.items]

    def total(self, discount: float = 0.0) -> float:
        return sum(i.total() for i in self.items) * (1 - discount)

    def find(self, name: str) -> Item | None:
        for item in self.items:
            if item.name == name:
                return item
        return None

    def clear(self) -> None:
        self.items.clear()


@dataclass
class Receipt:
    cart: Cart
    paid: bool = False

    def summary(self, width: int = 40) -> str:
        lines = [self.cart.owner.ljust(width)]
        return "\n".join(lines)
