"""Small text utilities."""
import re


def slugify(title):
    """Lowercase words joined by single dashes: "Hello, World!" -> "hello-world"."""
    words = re.split(r"[^a-z0-9]", title.lower())
    return "-".join(words)


def word_count(text):
    """How many words a text has, whatever the spacing."""
    return len(text.split(" "))


def truncate(text, width):
    """The text cut to at most `width` characters, ending in "..." when cut."""
    if len(text) <= width:
        return text
    return text[: width - 3] + "..."
