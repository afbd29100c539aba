"""Text folded for search: lower case, no diacritics, single spaces ("Ủy ban Phú Thọ" → "uy ban phu tho").

People often type Vietnamese without diacritics; comparing folded text finds a unit either way, and it
behaves the same on SQLite (whose LIKE folds ASCII letters only) and PostgreSQL.
"""

import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(bare.lower().split())


def unit_search_text(name: str, short_name: str) -> str:
    return fold(f"{name} {short_name}")[:400]
