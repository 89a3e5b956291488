"""A small catalogue of mail providers common in Japan: their outgoing (submission) servers.

Used only when the provider's DNS says nothing (no RFC 6186 SRV records). Data, not code: each entry
is what the provider's own published mail settings say, with the page (``source``) and the day it
was checked against it (``checked``). An entry we are not sure of does more harm than none (the
member is then asked to check), so only ``confirmed`` entries decide verdicts (``find``); the others
were written from memory (issue 13, no internet access there) and wait for the submission probe's
``check_provider_catalogue`` command, or a person with the page open, to confirm them: then set
``confirmed=True`` and ``checked`` to that day. ``find(..., unconfirmed=True)`` includes them (a host
name to probe is still better than a guess).

Reviewed: 2026-11-28 (issue 6, the first seven entries). Review again when a provider changes its
published settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

REVIEWED = "2026-11-28"
STARTTLS, SSL = "starttls", "ssl"  # op25b.Security values


@dataclass(frozen=True)
class Provider:
    name: str
    host: str  # the outgoing server the provider publishes
    ports: tuple[tuple[int, str], ...]  # (port, security) as published, the preferred first
    domains: tuple[str, ...] = ()  # mail address domains
    hosts: tuple[str, ...] = ()  # outgoing host names that identify it
    source: str = ""  # the provider's public help page with these settings
    checked: str = ""  # ISO date the entry was checked against `source`; "" = not yet
    confirmed: bool = False  # False: from memory, not yet confirmed (see the module's docstring)
    subdomains: bool = False  # addresses on sub-domains (taro@a2.so-net.ne.jp) are the provider's too

    @property
    def submission(self) -> str:
        """As op25b.ProviderSubmission: "587", "465" or "both"."""
        ports = {port for port, _security in self.ports}
        return "both" if ports >= {587, 465} else str(min(ports))


BOTH = ((587, STARTTLS), (465, SSL))


CATALOGUE: tuple[Provider, ...] = (
    # --- Reviewed in issue 6 (they decide verdicts since then).
    Provider(
        "Gmail",
        "smtp.gmail.com",
        BOTH,
        domains=("gmail.com", "googlemail.com"),
        hosts=("smtp.gmail.com",),
        source="https://support.google.com/mail/answer/7126229",
        checked=REVIEWED,
        confirmed=True,
    ),
    Provider(
        "Yahoo! JAPAN",
        "smtp.mail.yahoo.co.jp",
        ((465, SSL),),
        domains=("yahoo.co.jp", "ymail.ne.jp"),
        hosts=("smtp.mail.yahoo.co.jp",),
        source="https://support.yahoo-net.jp/PccMail/s/",
        checked=REVIEWED,
        confirmed=True,
    ),
    Provider(
        "Outlook.com",
        "smtp-mail.outlook.com",
        ((587, STARTTLS),),
        domains=("outlook.com", "outlook.jp", "hotmail.com", "hotmail.co.jp", "live.com", "live.jp", "msn.com"),
        hosts=("smtp-mail.outlook.com",),
        source="https://support.microsoft.com/office/d088b986-291d-42b8-9564-9c414e2aa040",
        checked=REVIEWED,
        confirmed=True,
    ),
    Provider(
        "iCloud",
        "smtp.mail.me.com",
        ((587, STARTTLS),),
        domains=("icloud.com", "me.com", "mac.com"),
        hosts=("smtp.mail.me.com",),
        source="https://support.apple.com/102525",
        checked=REVIEWED,
        confirmed=True,
    ),
    Provider(
        "OCN",
        "smtp.ocn.ne.jp",
        BOTH,
        domains=("ocn.ne.jp",),
        hosts=("smtp.ocn.ne.jp",),
        source="https://support.ocn.ne.jp/",
        checked=REVIEWED,
        confirmed=True,
    ),
    Provider(
        "BIGLOBE",
        "smtp.biglobe.ne.jp",
        BOTH,
        domains=("biglobe.ne.jp",),
        hosts=("smtp.biglobe.ne.jp",),
        source="https://support.biglobe.ne.jp/",
        checked=REVIEWED,
        confirmed=True,
    ),
    Provider(
        "@nifty",
        "smtp.nifty.com",
        BOTH,
        domains=("nifty.com",),
        hosts=("smtp.nifty.com",),
        source="https://support.nifty.com/",
        checked=REVIEWED,
        confirmed=True,
    ),
    # --- Added in issue 13 from memory: not confirmed, so they do not decide verdicts yet.
    Provider(
        "docomo mail",
        "smtp.spmode.ne.jp",
        ((465, SSL),),
        domains=("docomo.ne.jp",),
        hosts=("smtp.spmode.ne.jp",),
        source="https://www.docomo.ne.jp/service/docomo_mail/",
    ),
    Provider(
        "au mail",
        "smtp.au.com",
        ((465, SSL),),
        domains=("au.com", "ezweb.ne.jp"),
        hosts=("smtp.au.com",),
        source="https://www.au.com/support/service/mobile/mail/",
    ),
    Provider(
        "SoftBank (i.softbank.jp)",
        "smtp.softbank.jp",
        ((465, SSL),),
        domains=("i.softbank.jp",),
        hosts=("smtp.softbank.jp",),
        source="https://www.softbank.jp/mobile/support/mail/",
    ),
    Provider(
        "Yahoo! BB",
        "ybbsmtp.mail.yahoo.co.jp",
        ((587, STARTTLS),),
        domains=("ybb.ne.jp",),
        hosts=("ybbsmtp.mail.yahoo.co.jp",),
        source="https://support.yahoo-net.jp/",
    ),
    Provider(
        "So-net",
        "mail.so-net.ne.jp",
        ((587, STARTTLS),),
        domains=("so-net.ne.jp",),
        hosts=("mail.so-net.ne.jp",),
        source="https://www.so-net.ne.jp/support/",
        subdomains=True,
    ),
    Provider(
        "ぷらら",
        "msa.plala.or.jp",
        ((587, STARTTLS),),
        domains=("plala.or.jp",),
        hosts=("msa.plala.or.jp",),
        source="https://www.plala.or.jp/support/",
        subdomains=True,
    ),
    Provider(
        "au one net",
        "msa.auone-net.jp",
        ((587, STARTTLS),),
        domains=("auone-net.jp",),
        hosts=("msa.auone-net.jp",),
        source="https://www.au.com/support/service/internet/",
    ),
    Provider(
        "eo",
        "smtpauth.eonet.ne.jp",
        ((587, STARTTLS),),
        domains=("eonet.ne.jp",),
        hosts=("smtpauth.eonet.ne.jp",),
        source="https://support.eonet.jp/",
        subdomains=True,
    ),
    Provider(
        "J:COM",
        "smtp.jcom.zaq.ne.jp",
        ((587, STARTTLS),),
        domains=("jcom.home.ne.jp", "zaq.ne.jp"),
        hosts=("smtp.jcom.zaq.ne.jp",),
        source="https://cs.myjcom.jp/",
        subdomains=True,
    ),
)

_BY_DOMAIN = {domain: p for p in CATALOGUE for domain in p.domains}
_BY_HOST = {host: p for p in CATALOGUE for host in p.hosts}


def _by_domain(domain: str) -> Provider | None:
    entry = _BY_DOMAIN.get(domain)
    if entry is not None:
        return entry
    labels = domain.split(".")
    for start in range(1, len(labels) - 1):
        entry = _BY_DOMAIN.get(".".join(labels[start:]))
        if entry is not None and entry.subdomains:
            return entry
    return None


def find(*, domain: str = "", host: str = "", unconfirmed: bool = False) -> Provider | None:
    """The catalogue entry for an outgoing host or an address domain (A-labels, lower case).
    Only confirmed entries unless `unconfirmed` (what a probe may try, never what a verdict says)."""
    host = host.lower().rstrip(".")
    domain = domain.lower().rstrip(".")
    for entry in (_BY_HOST.get(host), _by_domain(domain) if domain else None):
        if entry is not None and (entry.confirmed or unconfirmed):
            return entry
    return None


def unconfirmed() -> tuple[Provider, ...]:
    """The entries waiting to be confirmed (the probe command's to-do list)."""
    return tuple(p for p in CATALOGUE if not p.confirmed)


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
