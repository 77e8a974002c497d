from shop.models import Cart, Item


def test_item():
    item = Item("  Apple ", 1.5, ["fruit"])
    assert item.name == "apple"
    assert item.label == "apple (1.50)"
    assert item.with_price(2.0).price == 2.0


def test_from_dict():
    item = Item.from_dict({"name": "Pear", "price": 2.25})
    assert item.tags == []


def test_cart():
    cart = Cart()
    assert cart.add(Item("apple", 1.0)) == 1
    assert cart.add(Item("apple", 1.0), qty=2) == 1
    assert cart.find("apple").name == "apple"
    assert cart.find("kiwi") is None
    assert [qty for _, qty in cart.lines()] == [3]
