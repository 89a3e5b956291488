"""A small, reviewed catalogue of mail providers common in Japan: which submission ports they accept.

Used only when the provider's DNS says nothing (no RFC 6186 SRV records). Data, not code: each
entry is what the provider's own published mail settings say. Keep it short and sure; an entry
we are not sure of does more harm than none (the member is then asked to check).

Reviewed: 2026-11-28 (issue 6). Review again when a provider changes its published settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

REVIEWED = "2026-11-28"


@dataclass(frozen=True)
class Provider:
    name: str
    submission: str  # "587", "465" or "both" (op25b.ProviderSubmission values)
    host: str  # the outgoing server the provider publishes
    domains: tuple[str, ...] = ()  # mail address domains
    hosts: tuple[str, ...] = ()  # outgoing host names that identify it


CATALOGUE: tuple[Provider, ...] = (
    Provider("Gmail", "both", "smtp.gmail.com", domains=("gmail.com", "googlemail.com"), hosts=("smtp.gmail.com",)),
    Provider(
        "Yahoo! JAPAN",
        "465",
        "smtp.mail.yahoo.co.jp",
        domains=("yahoo.co.jp", "ymail.ne.jp"),
        hosts=("smtp.mail.yahoo.co.jp",),
    ),
    Provider(
        "Outlook.com",
        "587",
        "smtp-mail.outlook.com",
        domains=("outlook.com", "outlook.jp", "hotmail.com", "hotmail.co.jp", "live.com", "live.jp", "msn.com"),
        hosts=("smtp-mail.outlook.com",),
    ),
    Provider(
        "iCloud",
        "587",
        "smtp.mail.me.com",
        domains=("icloud.com", "me.com", "mac.com"),
        hosts=("smtp.mail.me.com",),
    ),
    Provider("OCN", "both", "smtp.ocn.ne.jp", domains=("ocn.ne.jp",), hosts=("smtp.ocn.ne.jp",)),
    Provider("BIGLOBE", "both", "smtp.biglobe.ne.jp", domains=("biglobe.ne.jp",), hosts=("smtp.biglobe.ne.jp",)),
    Provider("@nifty", "both", "smtp.nifty.com", domains=("nifty.com",), hosts=("smtp.nifty.com",)),
)

_BY_DOMAIN = {domain: p for p in CATALOGUE for domain in p.domains}
_BY_HOST = {host: p for p in CATALOGUE for host in p.hosts}


def find(*, domain: str = "", host: str = "") -> Provider | None:
    """The catalogue entry for an outgoing host or an address domain (A-labels, lower case)."""
    host = host.lower().rstrip(".")
    domain = domain.lower().rstrip(".")
    if host in _BY_HOST:
        return _BY_HOST[host]
    return _BY_DOMAIN.get(domain)


# Free-mail and mobile-carrier mail domains, with the name people say (never OKBNET addresses).
FREE_MAIL: dict[str, object] = {
    **dict.fromkeys(("gmail.com", "googlemail.com"), "Gmail"),
    **dict.fromkeys(("yahoo.co.jp", "ymail.ne.jp"), _("Yahoo! Mail")),
    **dict.fromkeys(("icloud.com", "me.com", "mac.com"), _("iCloud Mail")),
    **dict.fromkeys(
        ("outlook.com", "outlook.jp", "hotmail.com", "hotmail.co.jp", "live.com", "live.jp", "msn.com"), "Outlook.com"
    ),
    "docomo.ne.jp": _("docomo mail"),
    **dict.fromkeys(("ezweb.ne.jp", "au.com"), _("au mail")),
    **dict.fromkeys(("softbank.ne.jp", "i.softbank.jp"), _("SoftBank mail")),
    **dict.fromkeys(("ymobile.ne.jp", "yahoo.ne.jp"), _("Y!mobile mail")),
    "rakuten.jp": _("Rakuten Mobile mail"),
}


def free_mail_name(domain: str) -> str:
    """The everyday name of a free-mail or carrier-mail domain, "" when it is not one."""
    name = FREE_MAIL.get(domain.lower().rstrip("."))
    return str(name) if name else ""
