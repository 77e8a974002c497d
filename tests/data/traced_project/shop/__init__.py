"""A tiny shop: items, carts and prices (fixture for the tracer tests)."""

from .pricing import apply_discount, total

__all__ = ["apply_discount", "total"]
