"""Items and carts."""


class Item:
    """Something for sale."""

    def __init__(self, name, price, tags=None):
        self.name = self.normalize(name)
        self.price = price
        self.tags = tags or []

    @property
    def label(self):
        return "%s (%.2f)" % (self.name, self.price)

    @classmethod
    def from_dict(cls, data):
        return cls(data["name"], data["price"], data.get("tags"))

    @staticmethod
    def normalize(name):
        return name.strip().lower()

    def with_price(self, price):
        return Item(self.name, price, list(self.tags))


class Cart:
    """Items with quantities."""

    def __init__(self):
        self._lines = {}

    def add(self, item, qty=1):
        self._lines[item.name] = (item, self._lines.get(item.name, (item, 0))[1] + qty)
        return len(self._lines)

    def lines(self):
        for item, qty in self._lines.values():
            yield item, qty

    def find(self, name):
        line = self._lines.get(name)
        return line[0] if line else None
