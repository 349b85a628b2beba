"""Stock levels of a small shop."""


class Inventory:
    def __init__(self):
        self._stock = {}

    def add(self, item, quantity):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self._stock[item] = self._stock.get(item, 0) + quantity

    def remove(self, item, quantity):
        self._stock[item] = self._stock.get(item, 0) - quantity

    def count(self, item):
        return self._stock.get(item, 0)
