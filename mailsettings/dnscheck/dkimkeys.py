"""DKIM: OKBNET's selectors published at a domain (CNAME to OKBNET's key or the key as TXT), and
whether the key parses (dkimpy's key-record evaluation, RFC 6376 §3.6.1)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict, dataclass
from typing import Any

import dkim

from .resolver import Session, txt_texts
from .tags import BadTags, parse_tags

MIN_RSA_BITS = 1024  # RFC 8301 §3.2: smaller keys must not be used

NOT_PUBLISHED = "not_published"
MULTIPLE_RECORDS = "multiple_records"
REVOKED = "revoked"
BAD_KEY = "bad_key"
WEAK_KEY = "weak_key"


@dataclass(frozen=True)
class DkimKey:
    selector: str
    name: str
    ok: bool
    code: str | None = None
    error: str | None = None  # the DNS error, if any
    record: str = ""
    key_type: str = ""
    key_bits: int | None = None
    cname_chain: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cname_chain"] = list(self.cname_chain)
        return data


def evaluate_key_record(text: str) -> tuple[str | None, str, int | None]:
    """(problem code or None, key type, key bits) of one DKIM key record."""
    try:
        tags = parse_tags(text)
    except BadTags:
        return BAD_KEY, "", None
    key_type = tags.get("k", "rsa")
    if "p" in tags and not tags["p"].replace(" ", ""):
        return REVOKED, key_type, None
    if key_type == "ed25519":
        # dkimpy needs PyNaCl for ed25519; a public key is 32 raw bytes in base64 (RFC 8463).
        try:
            raw = base64.b64decode(tags.get("p", ""), validate=True)
        except (binascii.Error, ValueError):
            return BAD_KEY, key_type, None
        return (None if len(raw) == 32 else BAD_KEY), key_type, 256
    try:
        _pk, bits, ktag, _tlsrpt = dkim.evaluate_pk("", text.encode("utf-8"))
    except (dkim.KeyFormatError, binascii.Error, ValueError):
        return BAD_KEY, key_type, None
    if ktag != b"rsa" or bits is None:
        return BAD_KEY, key_type, None
    return (WEAK_KEY if bits < MIN_RSA_BITS else None), "rsa", bits


def dkim_check(domain: str, selectors: list[str], *, session: Session) -> tuple[DkimKey, ...]:
    results = []
    for selector in selectors:
        name = f"{selector}._domainkey.{domain}"
        looked = session.lookup(name, "TXT")
        texts = [t for t in txt_texts(looked) if t.strip()]
        common = {"selector": selector, "name": name, "cname_chain": looked.cname_chain}
        if not looked.ok or not texts:
            results.append(DkimKey(ok=False, code=NOT_PUBLISHED, error=looked.error, **common))
            continue
        if len(texts) > 1:
            results.append(DkimKey(ok=False, code=MULTIPLE_RECORDS, record=" | ".join(texts), **common))
            continue
        code, key_type, bits = evaluate_key_record(texts[0])
        results.append(DkimKey(ok=code is None, code=code, record=texts[0], key_type=key_type, key_bits=bits, **common))
    return tuple(results)
