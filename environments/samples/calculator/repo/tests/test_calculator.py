import pytest

from calculator import add, divide, mean, multiply, subtract


def test_add():
    assert add(2, 3) == 5


def test_subtract():
    assert subtract(2, 3) == -1


def test_multiply():
    assert multiply(4, 2.5) == 10


def test_divide_by_zero_raises():
    with pytest.raises(ZeroDivisionError):
        divide(1, 0)


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_mean_of_empty_sequence_raises():
    with pytest.raises(ValueError):
        mean([])
