from __future__ import annotations

import os


def parse_price(text: str) -> float:
    return float(text.strip().replace(",", "."))


def format_price(value: float, currency: str = "EUR", digits: int = 2) -> str:
    return f"{value:.{digits}f} {currency}"


def is_valid_code(code: str) -> bool:
    return code.isalnum() and len(code) == 8


def load_rates(path: str, encoding: str = "utf-8") -> dict[str, float]:
    rates: dict[str, float] = {}
    with open(path, encoding=encoding) as f:
        for line in f:
            name, _, rate = line.partition("=")
            rates[name.strip()] = float(rate)
    return rates


def rates_file(root: str, name: str = "rates.txt") -> str:
    return os.path.join(root, name)


def apply_rate(amount: float, rate: float, rounding: int | None = None) -> float:
    value = amount * rate
    if rounding is not None:
        return round(value, rounding)
    return value


def log_price(message: str, enabled: bool = True) -> None:
    if enabled:
        print(message)
