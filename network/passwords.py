"""Connection (PPPoE) passwords: the rules, generation, and the one hash form FreeRADIUS verifies.

Only the hash is ever stored: `SSHA2-512-Password` = base64(sha512(password + salt) + salt), which
FreeRADIUS 3's pap module checks with op `:=` (NOTES.md). Passwords are printable ASCII: routers
differ in what else they accept.
"""

import base64
import hashlib
import hmac
import secrets
import string

from django.utils.translation import gettext_lazy as _

from okbnet_portal.errors import InvalidInput

HASH_ATTRIBUTE = "SSHA2-512-Password"
SALT_BYTES = 16
MIN_LENGTH = 10
MAX_LENGTH = 64
# No 0/O/1/l/I: a generated password is read from paper and typed into a router.
GENERATED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
GENERATED_LENGTH = 12
ALLOWED = frozenset(string.ascii_letters + string.digits + string.punctuation)


def password_rules() -> str:
    """The rules as the member reads them (in the current language)."""
    return _(
        "%(min)d to %(max)d characters: half-width letters, digits and symbols, with at least one letter "
        "and one digit. No spaces."
    ) % {"min": MIN_LENGTH, "max": MAX_LENGTH}


def password_problems(password: str) -> list[str]:
    """What is wrong with a new connection password (empty when it is acceptable)."""
    problems = []
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        problems.append(_("Use %(min)d to %(max)d characters.") % {"min": MIN_LENGTH, "max": MAX_LENGTH})
    if any(ch not in ALLOWED for ch in password):
        problems.append(_("Use only half-width letters, digits and symbols (no spaces, no full-width characters)."))
    if not any(ch.isascii() and ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        problems.append(_("Use at least one letter and one digit."))
    return problems


def password_validate(password: str, *, field: str = "password") -> None:
    problems = password_problems(password)
    if problems:
        raise InvalidInput({field: problems})


def password_generate() -> str:
    while True:
        candidate = "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))
        if not password_problems(candidate):
            return candidate


def password_hash(password: str, *, salt: bytes | None = None) -> str:
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.sha512(password.encode() + salt).digest()
    return base64.b64encode(digest + salt).decode("ascii")


def password_matches(password: str, hashed: str) -> bool:
    try:
        raw = base64.b64decode(hashed, validate=True)
    except ValueError:
        return False
    digest, salt = raw[:64], raw[64:]
    return len(digest) == 64 and hmac.compare_digest(hashlib.sha512(password.encode() + salt).digest(), digest)
