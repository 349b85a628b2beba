from textkit import slugify, truncate, word_count


def test_slugify_simple():
    assert slugify("Hello World") == "hello-world"


def test_word_count_simple():
    assert word_count("one two three") == 3


def test_truncate_short():
    assert truncate("short", 10) == "short"


def test_truncate_long():
    assert truncate("a long sentence", 9) == "a long..."
