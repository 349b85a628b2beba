import unittest

from inventory import Inventory


class InventoryTest(unittest.TestCase):
    def setUp(self):
        self.inventory = Inventory()
        self.inventory.add("apple", 5)

    def test_add(self):
        self.inventory.add("apple", 2)
        self.assertEqual(self.inventory.count("apple"), 7)

    def test_add_rejects_non_positive(self):
        with self.assertRaises(ValueError):
            self.inventory.add("apple", 0)

    def test_remove(self):
        self.inventory.remove("apple", 3)
        self.assertEqual(self.inventory.count("apple"), 2)
