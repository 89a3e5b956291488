"""MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) TXT records, parsed when a domain publishes them.

Only the DNS side: the MTA-STS policy file itself is fetched over HTTPS by senders, not here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .resolver import Session, is_temporary, txt_texts
from .tags import BadTags, first_tag, parse_tags

NOT_PUBLISHED = "not_published"
MULTIPLE_RECORDS = "multiple_records"
SYNTAX = "syntax"
BAD_ID = "bad_id"
MISSING_RUA = "missing_rua"
BAD_REPORT_URI = "bad_report_uri"

_STS_ID = re.compile(r"[A-Za-z0-9]{1,32}")


@dataclass(frozen=True)
class TxtPolicy:
    kind: str  # "mta_sts" or "tls_rpt"
    name: str
    present: bool
    ok: bool | None  # None: not published (nothing to judge)
    code: str | None = None
    error: str | None = None
    record: str = ""
    values: tuple[str, ...] = ()  # the id (MTA-STS) or the report URIs (TLS-RPT)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["values"] = list(self.values)
        return data


def _select(kind: str, name: str, version: str, session: Session) -> TxtPolicy | tuple[str, dict[str, str]]:
    looked = session.lookup(name, "TXT")
    if is_temporary(looked.error):
        return TxtPolicy(kind, name, present=False, ok=None, error=looked.error)
    texts = txt_texts(looked)
    records = [t for t in texts if first_tag(t)[0] == "v" and first_tag(t)[1].startswith(version[:-1])]
    if not records:
        return TxtPolicy(kind, name, present=False, ok=None, code=NOT_PUBLISHED, error=looked.error)
    if len(records) > 1:
        return TxtPolicy(kind, name, present=True, ok=False, code=MULTIPLE_RECORDS, record=" | ".join(records))
    record = records[0]
    try:
        tags = parse_tags(record)
    except BadTags:
        return TxtPolicy(kind, name, present=True, ok=False, code=SYNTAX, record=record)
    if tags.get("v") != version:
        return TxtPolicy(kind, name, present=True, ok=False, code=SYNTAX, record=record)
    return record, tags


def mta_sts_check(domain: str, *, session: Session) -> TxtPolicy:
    name = f"_mta-sts.{domain}"
    found = _select("mta_sts", name, "STSv1", session)
    if isinstance(found, TxtPolicy):
        return found
    record, tags = found
    policy_id = tags.get("id", "")
    if not _STS_ID.fullmatch(policy_id):
        return TxtPolicy("mta_sts", name, present=True, ok=False, code=BAD_ID, record=record)
    return TxtPolicy("mta_sts", name, present=True, ok=True, record=record, values=(policy_id,))


def tls_rpt_check(domain: str, *, session: Session) -> TxtPolicy:
    name = f"_smtp._tls.{domain}"
    found = _select("tls_rpt", name, "TLSRPTv1", session)
    if isinstance(found, TxtPolicy):
        return found
    record, tags = found
    uris = tuple(u.strip() for u in tags.get("rua", "").split(",") if u.strip())
    if not uris:
        return TxtPolicy("tls_rpt", name, present=True, ok=False, code=MISSING_RUA, record=record)
    for uri in uris:
        lower = uri.lower()
        if not ((lower.startswith("mailto:") and "@" in uri) or lower.startswith("https://")):
            return TxtPolicy("tls_rpt", name, present=True, ok=False, code=BAD_REPORT_URI, record=record, values=uris)
    return TxtPolicy("tls_rpt", name, present=True, ok=True, record=record, values=uris)
