"""One phone number, whatever way it is written: `0859-00-0001`, `0859000001`, `+81859000001`,
`(0859) 00-0001` and `＋８１ ８５９…` are all the key `0859000001`.

The key is computed twice, once per side, by the same rule: in Python for what a person types
(`phone_key`), and in the database for the stored number (`PHONE_KEY_SQL`, the expression of the
generated column `Member.phone_key`, which has an index). Japanese national numbers start with 0,
so a key that starts with the country code 81 (after `+` or `00`) is written back as `0…`.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import CharField, F, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Concat, Left, Replace, Substr
from django.db.models.lookups import Exact

# What people put between digits (after NFKC folding of full-width forms).
SEPARATORS = ("-", " ", "(", ")", ".", "+", "/")
# Shorter than this is not a whole number (national numbers have 10 or 11 digits).
MIN_DIGITS = 9
_PHONE_LIKE = re.compile(r"^[0-9+\-\s().‐‑‒–—―−ー/]+$")


def phone_key(text: str) -> str:
    """The comparable form of a phone number: digits only, national form."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))
    if digits.startswith("0081"):
        return "0" + digits[4:]
    if digits.startswith("81"):
        return "0" + digits[2:]
    return digits


def looks_like_phone(text: str) -> bool:
    """Digits and separators only, and enough digits to be a whole number."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    return bool(_PHONE_LIKE.match(folded)) and len(phone_key(folded)) >= MIN_DIGITS


def _stored_key_expression():
    bare = F("phone")
    for sep in SEPARATORS:
        bare = Replace(bare, Value(sep), Value(""))
    return Case(
        When(Exact(Left(bare, 4), Value("0081")), then=Concat(Value("0"), Substr(bare, 5))),
        When(Exact(Left(bare, 2), Value("81")), then=Concat(Value("0"), Substr(bare, 3))),
        default=bare,
        output_field=CharField(max_length=20),
    )


PHONE_KEY_EXPRESSION = _stored_key_expression()
