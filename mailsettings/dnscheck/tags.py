"""Tag=value lists (DKIM keys, DMARC, MTA-STS, TLS-RPT records), parsed by dkimpy's RFC 6376 §3.2 parser."""

from __future__ import annotations

from dkim.util import InvalidTagValueList, parse_tag_value


class BadTags(ValueError):
    pass


def parse_tags(text: str) -> dict[str, str]:
    """{tag: value}; BadTags for a malformed list or a tag given twice."""
    try:
        parsed = parse_tag_value(text.encode("utf-8"))
    except InvalidTagValueList as exc:
        raise BadTags(str(exc)) from exc
    return {key.decode("utf-8"): value.decode("utf-8") for key, value in parsed.items()}


def first_tag(text: str) -> tuple[str, str]:
    """The first tag and its value as written (v= must come first in these records)."""
    head = text.strip().split(";", 1)[0]
    key, _, value = head.partition("=")
    return key.strip(), value.strip()
