"""What a provider's domain publishes about mail submission: RFC 6186 / RFC 8314 SRV records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .resolver import INVALID_NAME, NODATA, VOID_ERRORS, InvalidDomain, Lookup, Session, to_ascii

SUBMISSION_SERVICES = (("_submission._tcp", 587), ("_submissions._tcp", 465))


@dataclass(frozen=True)
class SubmissionSupport:
    """What a provider's domain publishes about mail submission (RFC 6186, RFC 8314).

    `support` is "587", "465", "both", "none" or "unknown" (DNS says nothing, or could not
    be asked: then `error` says why). `host` is the submission server named by the SRV records.
    """

    domain: str
    support: str
    host: str = ""
    error: str | None = None
    ttl: int | None = None
    lookups: tuple[Lookup, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "support": self.support,
            "host": self.host,
            "error": self.error,
            "ttl": self.ttl,
            "lookups": [item.to_dict() for item in self.lookups],
        }


def submission_support(domain: str, *, session: Session | None = None) -> SubmissionSupport:
    session = session or Session()
    try:
        ascii_domain = to_ascii(domain)
    except InvalidDomain:
        return SubmissionSupport(domain=domain, support="unknown", error=INVALID_NAME)
    offered: dict[int, str] = {}
    declined: set[int] = set()
    lookups = []
    for service, port in SUBMISSION_SERVICES:
        result = session.lookup(f"{service}.{ascii_domain}", "SRV")
        lookups.append(result)
        if not result.ok:
            continue
        targets = sorted(result.rdatas, key=lambda r: (r.priority, -r.weight))
        real = [r for r in targets if str(r.target) != "."]
        if real:
            offered[port] = str(real[0].target).rstrip(".")
        else:
            declined.add(port)  # RFC 6186 §3: a target of "." means "not offered"
    ttl = min((item.ttl for item in lookups if item.ttl is not None), default=None)
    hard = [item.error for item in lookups if item.error and item.error not in VOID_ERRORS]
    if offered:
        support = "both" if len(offered) == 2 else str(next(iter(offered)))
        host = offered.get(587) or offered.get(465, "")
        return SubmissionSupport(ascii_domain, support, host=host, ttl=ttl, lookups=tuple(lookups))
    if declined == {587, 465}:
        return SubmissionSupport(ascii_domain, "none", ttl=ttl, lookups=tuple(lookups))
    return SubmissionSupport(
        ascii_domain, "unknown", error=hard[0] if hard else NODATA, ttl=ttl, lookups=tuple(lookups)
    )
