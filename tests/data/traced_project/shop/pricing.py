"""Totals, discounts and price parsing."""

from .models import Cart, Item


def total(cart):
    return sum(item.price * qty for item, qty in cart.lines())


def apply_discount(amount, percent=10):
    if percent < 0:
        raise ValueError("negative discount")
    return round(amount * (100 - percent) / 100, 2)


def parse_price(text):
    text = text.strip().lstrip("$")
    try:
        return float(text)
    except ValueError:
        return None


def by_tag(items):
    out = {}
    for item in items:
        for tag in item.tags:
            out.setdefault(tag, []).append(item.price)
    return out


def summarize(cart, *, currency="EUR"):
    count = sum(qty for _, qty in cart.lines())
    return count, total(cart), currency


def cheapest(*items):
    return min(items, key=lambda item: item.price).name


def make_cart(rows):
    cart = Cart()
    for row in rows:
        cart.add(Item.from_dict(row), row.get("qty", 1))
    return cart


def tax(amount):
    return amount * 0.2


#: A registry holding `tax` itself: the tracer must leave `tax` alone (identity).
RULES = {"tax": tax}
