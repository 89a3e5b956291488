"""The OP25B quick-reference table (対象者早見表) and the one function that decides a verdict.

OKBNET blocks outbound port 25 from dynamic-IP lines to any server that is not OKBNET's
(Outbound Port 25 Blocking). The table below is the single source of truth: the pages
render these same rows, and `decide()` walks them in order, first match wins.
Nothing else in the code base may repeat these conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_domain_name
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import IpType
from okbnet_portal.errors import InvalidInput

from . import providers

# --------------------------------------------------------------------------- inputs


class SendingVia(models.TextChoices):
    NONE = "none", _("I do not send mail from a mail program")
    WEBMAIL = "webmail", _("Only webmail in the browser")
    OKBNET = "okbnet", _("My OKBNET mail address, in a mail program")
    OTHER_PROVIDER = "other_provider", _("Another provider's or company's address, in a mail program")
    OWN_SERVER = "own_server", _("My own mail server on the OKBNET line")


class ProviderSubmission(models.TextChoices):
    P587 = "587", _("Port 587 (submission)")
    P465 = "465", _("Port 465 only (SMTP over SSL)")
    BOTH = "both", _("Both 587 and 465")
    NONE = "none", _("Neither (port 25 only)")
    UNKNOWN = "unknown", _("I don't know")


class Security(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS")
    SSL = "ssl", _("SSL/TLS")


PORTS = (25, 465, 587)
# Where a verdict's provider_submission came from (DESIGN §7 provider_submission_source): the member,
# the provider's SRV records, OKBNET's catalogue, or the submission probe (DESIGN §7b).
SOURCES = ("member", "dns", "catalogue", "probe")
SUBMISSION_PORTS = frozenset({465, 587})
SENDERS_NEEDING_PORT = frozenset({SendingVia.OKBNET, SendingVia.OTHER_PROVIDER, SendingVia.OWN_SERVER})
_email_validator = EmailValidator()
# TextChoices.values builds a new list on every access: keep sets for the hot path.
_VALUES = {choices: frozenset(choices.values) for choices in (IpType, SendingVia, ProviderSubmission)}


@dataclass(frozen=True)
class Inputs:
    """What the member told us (or what their plan says), already validated."""

    ip_type: str
    sending_via: str
    port: int | None = None
    provider_submission: str = ProviderSubmission.UNKNOWN
    okbnet_address: str = ""
    provider_host: str = ""
    provider_domain: str = ""
    # Where provider_submission came from: one of SOURCES, or None.
    provider_submission_source: str | None = None
    # The member's mail program (models.MailProgram value, or ""): picks the guide, never the verdict.
    mail_client: str = ""


def only_okbnet_domain(domain: str) -> bool:
    return domain == settings.OKBNET_MAIL_DOMAIN


def not_okbnet_address_message(address: str) -> str:
    """In plain words: this address is not one OKBNET hosts (free-mail services named)."""
    domain = address.rsplit("@", 1)[-1]
    name = providers.free_mail_name(domain)
    if name:
        return str(
            _(
                "%(address)s is a %(service)s address, not an OKBNET address. OKBNET addresses end in "
                "@%(okbnet)s (or a domain of your own that OKBNET hosts for you)."
            )
        ) % {"address": address, "service": name, "okbnet": settings.OKBNET_MAIL_DOMAIN}
    return str(
        _(
            "%(domain)s is not a domain whose mail OKBNET hosts, so %(address)s is not an OKBNET address. "
            "OKBNET addresses end in @%(okbnet)s (or a domain of your own that OKBNET hosts for you)."
        )
    ) % {"address": address, "domain": domain, "okbnet": settings.OKBNET_MAIL_DOMAIN}


def clean_inputs(data: Mapping[str, Any], *, is_okbnet_domain: Callable[[str], bool] | None = None) -> Inputs:
    """Validate raw inputs (API body, form data, a saved setup) into `Inputs`.

    Every problem is reported as a field error; nothing is guessed. `is_okbnet_domain` says
    which address domains OKBNET hosts (mailsettings.domains.is_okbnet_domain, the registry);
    without it only OKBNET's own domain is: a gateway is never derived from any other domain.
    """
    is_okbnet_domain = is_okbnet_domain or only_okbnet_domain
    foreign_domain = ""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: Promise | str) -> None:
        errors.setdefault(name, []).append(str(message))

    def choice(name: str, choices: type[models.TextChoices], default: str | None = None) -> str | None:
        raw = data.get(name, default)
        if raw is None or raw == "":
            if default is None:
                err(name, _("This field is required."))
            return default
        if not isinstance(raw, str) or raw not in _VALUES[choices]:
            err(name, _("“%(value)s” is not a valid choice.") % {"value": raw})
            return None
        return raw

    ip_type = choice("ip_type", IpType)
    sending_via = choice("sending_via", SendingVia)
    provider_submission = choice("provider_submission", ProviderSubmission, ProviderSubmission.UNKNOWN)

    port: int | None = None
    raw_port = data.get("port")
    if raw_port not in (None, "", "unknown"):
        if isinstance(raw_port, bool):
            err("port", _("Choose 25, 465, 587 or unknown."))
        else:
            try:
                port = int(raw_port)
            except (TypeError, ValueError, OverflowError):  # OverflowError: float("inf")
                port = None
                err("port", _("Choose 25, 465, 587 or unknown."))
            else:
                if port not in PORTS or (isinstance(raw_port, float) and raw_port != port):
                    port = None
                    err("port", _("Choose 25, 465, 587 or unknown."))
    if sending_via in SENDERS_NEEDING_PORT and "port" not in data:
        err("port", _("Tell us the outgoing port, or choose “unknown”."))

    okbnet_address = _text(data, "okbnet_address", err).strip().lower()
    if okbnet_address:
        try:
            _email_validator(okbnet_address)
        except ValidationError:
            err("okbnet_address", _("Enter a valid mail address, such as taro@okbnet.ne.jp."))
        else:
            if not is_okbnet_domain(okbnet_address.rsplit("@", 1)[1]):
                foreign_domain = okbnet_address.rsplit("@", 1)[1]
                err("okbnet_address", not_okbnet_address_message(okbnet_address))

    mail_client = _text(data, "mail_client", err).strip()
    if mail_client and mail_client not in _mail_clients():
        err("mail_client", _("“%(value)s” is not a valid choice.") % {"value": mail_client})

    provider_host = _text(data, "provider_host", err).strip().lower().rstrip(".")
    provider_domain = _text(data, "provider_domain", err).strip().lower().rstrip(".")
    for name, value in (("provider_host", provider_host), ("provider_domain", provider_domain)):
        if value:
            try:
                validate_domain_name(value)
            except ValidationError:
                err(name, _("Enter a host or domain name such as smtp.example.jp."))
            else:
                if "." not in value:
                    err(name, _("Enter a host or domain name such as smtp.example.jp."))

    if errors:
        exc = InvalidInput(errors)
        exc.foreign_domain = foreign_domain  # the form offers it as another provider's
        raise exc
    source = "member" if provider_submission != ProviderSubmission.UNKNOWN else None
    return Inputs(
        ip_type=ip_type,
        sending_via=sending_via,
        port=port,
        provider_submission=provider_submission,
        okbnet_address=okbnet_address,
        provider_host=provider_host,
        provider_domain=provider_domain,
        provider_submission_source=source,
        mail_client=mail_client,
    )


def _mail_clients() -> frozenset[str]:
    from .models import MailProgram  # models import this module

    return frozenset(MailProgram.values)


def _text(data: Mapping[str, Any], name: str, err) -> str:
    raw = data.get(name)
    if raw is None:
        return ""
    if not isinstance(raw, str):
        err(name, _("Enter text."))
        return ""
    if len(raw) > 254:
        err(name, _("Too long (at most 254 characters)."))
        return ""
    return raw


# --------------------------------------------------------------------------- the table

ANY = None  # a condition value meaning "whatever it is"


@dataclass(frozen=True)
class Rule:
    id: str
    when: Mapping[str, frozenset]  # field -> accepted values; fields not named accept anything
    when_text: Promise
    verdict: str
    affected: bool | None
    action_required: bool
    plan_change_required: bool
    title: Promise
    explanation: Promise
    steps: tuple[Promise, ...] = ()
    settings: str | None = None  # which settings to give: see _settings_for()
    # Not msgid "None": Django admin's catalogue (first in INSTALLED_APPS) would translate it "None".
    action_text: Promise = field(default=pgettext_lazy("quick-reference action", "Nothing to do"))

    def matches(self, inputs: Inputs) -> bool:
        return all(getattr(inputs, name) in accepted for name, accepted in self.when.items())


def _when(**conditions: Any) -> dict[str, frozenset]:
    return {name: frozenset(v if isinstance(v, (set, frozenset, tuple)) else {v}) for name, v in conditions.items()}


_S = SendingVia
_P = ProviderSubmission
_FIND_PORT_STEPS = (
    _("Open the outgoing (SMTP) server settings of your mail program; the guide for each program below shows where."),
    _("Note the port number next to the outgoing server: 25, 587 or 465."),
    _("Come back to this page, choose that number and check again."),
)
_GATEWAY_STEPS = (
    _("Open the outgoing (SMTP) server settings of your mail program."),
    _("Set the outgoing server to %(gateway)s."),
    _("Turn on “outgoing server requires authentication” (SMTP AUTH)."),
    _(
        "Log on with your OKBNET mail address as the user name and its mail password, both printed on your contract document (承り書)."
    ),
    _("Set the port to 587 with STARTTLS (or 465 with SSL/TLS)."),
    _("Restart the mail program and send yourself a test message. Receiving settings stay as they are."),
)

TABLE: tuple[Rule, ...] = (
    Rule(
        id="R1",
        when=_when(ip_type=IpType.FIXED),
        when_text=_("Fixed-IP plan"),
        verdict="exempt_fixed_ip",
        affected=False,
        action_required=False,
        plan_change_required=False,
        title=_("Not affected: fixed-IP plans are exempt"),
        explanation=_("OP25B applies only to dynamic-IP lines. Your fixed-IP line can send on port 25."),
    ),
    Rule(
        id="R2",
        when=_when(sending_via=_S.NONE),
        when_text=_("Does not send mail from a mail program"),
        verdict="not_affected",
        affected=False,
        action_required=False,
        plan_change_required=False,
        title=_("Not affected"),
        explanation=_("You do not send mail through port 25, so OP25B changes nothing for you."),
    ),
    Rule(
        id="R3",
        when=_when(sending_via=_S.WEBMAIL),
        when_text=_("Webmail in the browser only"),
        verdict="not_affected",
        affected=False,
        action_required=False,
        plan_change_required=False,
        title=_("Not affected"),
        explanation=_("Webmail runs over HTTPS, which OP25B does not block."),
    ),
    Rule(
        id="R4",
        when=_when(sending_via=(_S.OKBNET, _S.OTHER_PROVIDER, _S.OWN_SERVER), port=None),
        when_text=_("Sends from a mail program or server, port unknown"),
        verdict="undetermined_port_unknown",
        affected=None,
        action_required=True,
        plan_change_required=False,
        title=_("Not yet known: check your outgoing port"),
        explanation=_("Whether OP25B affects you depends on the port your mail program sends on."),
        steps=_FIND_PORT_STEPS,
        action_text=_("Find the port in your mail program, then check again"),
    ),
    Rule(
        id="R5",
        when=_when(sending_via=_S.OKBNET, port=(587, 465)),
        when_text=_("OKBNET address, port 587 or 465"),
        verdict="not_affected",
        affected=False,
        action_required=False,
        plan_change_required=False,
        title=_("Not affected: you already use the specified setting"),
        explanation=_("Ports 587 and 465 are not blocked. Keep your settings as they are."),
    ),
    Rule(
        id="R6",
        when=_when(sending_via=_S.OKBNET, port=25),
        when_text=_("OKBNET address, port 25"),
        verdict="not_blocked_update_recommended",
        affected=False,
        action_required=True,
        plan_change_required=False,
        title=_("Not blocked, but please update your settings"),
        explanation=_(
            "Port 25 to OKBNET's own servers is not blocked, but the specified setting is port 587 "
            "with SMTP AUTH. Please change to it."
        ),
        steps=_GATEWAY_STEPS,
        settings="gateway",
        action_text=_("Change to port 587 with SMTP AUTH (the specified setting)"),
    ),
    Rule(
        id="R7",
        when=_when(sending_via=_S.OTHER_PROVIDER, port=(587, 465)),
        when_text=_("Another provider, port 587 or 465"),
        verdict="not_affected",
        affected=False,
        action_required=False,
        plan_change_required=False,
        title=_("Not affected"),
        explanation=_("You send through your provider's submission port, which OP25B does not block."),
    ),
    Rule(
        id="R8",
        when=_when(sending_via=_S.OTHER_PROVIDER, port=25, provider_submission=(_P.P587, _P.BOTH)),
        when_text=_("Another provider, port 25; the provider accepts 587"),
        verdict="affected_switch_to_submission",
        affected=True,
        action_required=True,
        plan_change_required=False,
        title=_("Affected: switch to port 587 with your provider"),
        explanation=_(
            "Port 25 to your provider's server is blocked. Your provider accepts port 587 "
            "(submission), so change your mail program to it."
        ),
        steps=(
            _("Open the outgoing (SMTP) server settings of your mail program."),
            _("Keep your provider's outgoing server (%(provider_host)s)."),
            _("Set the port to 587 and the encryption to STARTTLS."),
            _(
                "Turn on “outgoing server requires authentication” and log on with your provider's user name and password."
            ),
            _("Restart the mail program and send yourself a test message."),
        ),
        settings="provider_587",
        action_text=_("Switch to port 587 with that provider's settings"),
    ),
    Rule(
        id="R9",
        when=_when(sending_via=_S.OTHER_PROVIDER, port=25, provider_submission=_P.P465),
        when_text=_("Another provider, port 25; the provider accepts 465 only"),
        verdict="affected_switch_to_submission",
        affected=True,
        action_required=True,
        plan_change_required=False,
        title=_("Affected: switch to port 465 (SSL) with your provider"),
        explanation=_(
            "Port 25 to your provider's server is blocked. Your provider accepts port 465 "
            "(SMTP over SSL), so change your mail program to it."
        ),
        steps=(
            _("Open the outgoing (SMTP) server settings of your mail program."),
            _("Keep your provider's outgoing server (%(provider_host)s)."),
            _("Set the port to 465 and the encryption to SSL/TLS."),
            _(
                "Turn on “outgoing server requires authentication” and log on with your provider's user name and password."
            ),
            _("Restart the mail program and send yourself a test message."),
        ),
        settings="provider_465",
        action_text=_("Switch to port 465 (SSL) with that provider's settings"),
    ),
    Rule(
        id="R10",
        when=_when(sending_via=_S.OTHER_PROVIDER, port=25, provider_submission=_P.UNKNOWN),
        when_text=_("Another provider, port 25; not known whether it accepts 587"),
        verdict="affected_check_provider",
        affected=True,
        action_required=True,
        plan_change_required=False,
        title=_("Affected: find out whether your provider accepts port 587"),
        explanation=_(
            "Port 25 to your provider's server is blocked. If your provider accepts port 587, "
            "switch to it; if not, send through OKBNET's gateway."
        ),
        steps=(
            _("Look up your provider's mail settings page, or ask the provider, whether it accepts port 587 or 465."),
            _("If it does, answer “587” or “465” in the check and follow the steps shown."),
            _("If it does not, answer “neither”: you will be shown the OKBNET gateway settings."),
        ),
        action_text=_("Ask the provider (or run the DNS check) whether it accepts 587"),
    ),
    Rule(
        id="R11",
        when=_when(sending_via=_S.OTHER_PROVIDER, port=25, provider_submission=_P.NONE),
        when_text=_("Another provider, port 25; the provider accepts neither 587 nor 465"),
        verdict="affected_use_okbnet_gateway",
        affected=True,
        action_required=True,
        plan_change_required=False,
        title=_("Affected: send through OKBNET's gateway"),
        explanation=_(
            "Port 25 to your provider's server is blocked and the provider has no submission port. "
            "Send through OKBNET's gateway instead; your address and receiving settings stay the same."
        ),
        steps=_GATEWAY_STEPS,
        settings="gateway",
        action_text=_("Use the OKBNET gateway on port 587 with SMTP AUTH"),
    ),
    Rule(
        id="R12",
        when=_when(sending_via=_S.OWN_SERVER, port=(587, 465)),
        when_text=_("Own mail server relaying on port 587 or 465"),
        verdict="not_affected",
        affected=False,
        action_required=False,
        plan_change_required=False,
        title=_("Not affected"),
        explanation=_("Your server relays through a submission port, which OP25B does not block."),
    ),
    Rule(
        id="R13",
        when=_when(sending_via=_S.OWN_SERVER, port=25),
        when_text=_("Own mail server delivering directly on port 25"),
        verdict="affected_fixed_ip_required",
        affected=True,
        action_required=True,
        plan_change_required=True,
        title=_("Affected: a fixed-IP plan is required"),
        explanation=_(
            "A mail server that delivers directly on port 25 cannot run on a dynamic-IP line. "
            "Change to the fixed-IP type of your plan; your connection user name and monthly fee change."
        ),
        steps=(
            _("Log in to My page and open “Change to a fixed-IP plan”."),
            _("Check the new monthly fee and confirm; a new connection user name and a fixed IP address are issued."),
            _("Set the new connection user name in your router when the notice arrives."),
        ),
        action_text=_("Change to the fixed-IP type of the plan"),
    ),
)

RULES_BY_ID = {rule.id: rule for rule in TABLE}
# Each verdict code in words (staff statistics, call-center lists): one label per code.
VERDICT_LABELS: dict[str, Promise] = {
    "exempt_fixed_ip": _("Not affected (fixed-IP plan)"),
    "not_affected": _("Not affected"),
    "undetermined_port_unknown": _("Not yet known (port unknown)"),
    "not_blocked_update_recommended": _("Not blocked, update recommended"),
    "affected_switch_to_submission": _("Affected: switch to port 587/465"),
    "affected_check_provider": _("Affected: ask the provider about 587"),
    "affected_use_okbnet_gateway": _("Affected: use the OKBNET gateway"),
    "affected_fixed_ip_required": _("Affected: fixed-IP plan required"),
}

# --------------------------------------------------------------------------- deciding

USERNAME_HINT = _("your OKBNET mail address (printed under “Mail address” on your contract document)")
PROVIDER_USERNAME_HINT = _("your user name with that provider")
PROVIDER_HOST_HINT = _("shown on your provider's mail settings page")


def gateway_host(okbnet_address: str = "") -> str:
    """gw.okbnet.ne.jp, or gw.<own domain> for own-domain members. Only for a validated address:
    clean_inputs() refuses addresses on domains OKBNET does not host."""
    domain = okbnet_address.rsplit("@", 1)[1] if "@" in okbnet_address else settings.OKBNET_MAIL_DOMAIN
    return f"gw.{domain}"


_TRANSLATED: dict[tuple[int, str | None], str] = {}


def _translated(text: Promise, language: str | None) -> str:
    """The table's texts are module constants that never change at run time: translate each
    once per language (keyed by identity; hashing a lazy string would translate it again)."""
    key = (id(text), language)
    try:
        return _TRANSLATED[key]
    except KeyError:
        with translation.override(language):
            value = _TRANSLATED[key] = str(text)
        return value


def _server(host: str | None, port: int, security: str, username: Promise) -> dict[str, Any]:
    return {
        "host": host,
        "port": port,
        "security": security,
        "auth": True,
        "username": _translated(username, translation.get_language()),
    }


# OKBNET's specified setting: the gateway on 587 with STARTTLS and SMTP AUTH; 465 with SSL also works.
SPECIFIED_SUBMISSION = ((587, Security.STARTTLS), (465, Security.SSL))


def okbnet_servers(okbnet_address: str = "") -> list[dict[str, Any]]:
    """OKBNET's outgoing server settings, the specified one first: the one definition that
    verdicts, the per-program guides and the mail-client autoconfig files all use."""
    gateway = gateway_host(okbnet_address)
    return [_server(gateway, port, security, USERNAME_HINT) for port, security in SPECIFIED_SUBMISSION]


def _settings_for(kind: str | None, inputs: Inputs) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    if kind == "gateway":
        main, *alternatives = okbnet_servers(inputs.okbnet_address)
        return main, alternatives
    host = inputs.provider_host or None
    if kind == "provider_587":
        alternatives = []
        if inputs.provider_submission == ProviderSubmission.BOTH:
            alternatives = [_server(host, 465, Security.SSL, PROVIDER_USERNAME_HINT)]
        return _server(host, 587, Security.STARTTLS, PROVIDER_USERNAME_HINT), alternatives
    if kind == "provider_465":
        return _server(host, 465, Security.SSL, PROVIDER_USERNAME_HINT), []
    return None, []


def match(inputs: Inputs) -> Rule:
    """The first row of the table that matches. Every valid input matches one."""
    for rule in TABLE:
        if rule.matches(inputs):
            return rule
    raise AssertionError(f"The quick-reference table has no row for {inputs!r}")  # pragma: no cover


def decide(inputs: Inputs) -> dict[str, Any]:
    """The verdict object of DESIGN §7, with texts in the active language."""
    rule = match(inputs)
    language = translation.get_language()
    values = {
        "gateway": gateway_host(inputs.okbnet_address),
        "provider_host": inputs.provider_host or _translated(PROVIDER_HOST_HINT, language),
    }
    main, alternatives = _settings_for(rule.settings, inputs)
    steps = [_translated(step, language) for step in rule.steps]
    return {
        "verdict": rule.verdict,
        "rule": rule.id,
        "affected": rule.affected,
        "action_required": rule.action_required,
        "plan_change_required": rule.plan_change_required,
        "title": _translated(rule.title, language),
        "explanation": _translated(rule.explanation, language),
        "steps": [step % values if "%(" in step else step for step in steps],
        "settings": main,
        "alternatives": alternatives,
        "provider_submission": inputs.provider_submission,
        "provider_submission_source": inputs.provider_submission_source,
    }
