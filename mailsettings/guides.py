"""Step-by-step guides per mail program, as data. One template (`_guide.html`) renders them all.

Each step is an English msgid naming the program's English menus; its Japanese translation
names the menus as the Japanese version of the program shows them. `%(host)s`, `%(port)s`,
`%(security)s` and `%(username)s` are filled with the member's own values. Never a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import op25b
from .models import MailProgram

PORT_STEP = _("The port number is shown next to the outgoing (SMTP) server.")


@dataclass(frozen=True)
class Guide:
    program: str
    open_steps: tuple[Promise, ...]  # how to reach the outgoing server settings
    set_steps: tuple[Promise, ...]  # what to type there
    port_step: Promise = PORT_STEP  # where the program shows the outgoing port
    icon: str = "pc"  # pc, phone or mac: the picture next to the name

    @property
    def name(self) -> str:
        return str(MailProgram(self.program).label)


GUIDES: tuple[Guide, ...] = (
    Guide(
        MailProgram.OUTLOOK_CLASSIC,
        open_steps=(
            _("Choose File → Info → Account Settings → Server Settings."),
            _("Open “Outgoing mail”."),
        ),
        set_steps=(
            _("Server: %(host)s. Port: %(port)s. Encryption method: %(security)s."),
            _(
                "Tick “My outgoing (SMTP) server requires authentication”, choose “Log on using” and enter User Name: %(username)s."
            ),
            _("Choose Next, then Done, and restart Outlook."),
        ),
        port_step=_(
            "The port is on the “Outgoing mail” part of the same page, under “Port”, next to “Encryption method”."
        ),
    ),
    Guide(
        MailProgram.OUTLOOK_NEW,
        open_steps=(
            _("Choose Settings (the gear) → Accounts → Email accounts."),
            _("Next to the account choose Manage → Repair, then “Show more”."),
        ),
        set_steps=(
            _("SMTP server: %(host)s. Port: %(port)s. Secure connection type: %(security)s."),
            _("SMTP username: %(username)s. SMTP password: the matching password."),
            _("Choose Continue and restart Outlook."),
        ),
        port_step=_("The port is under “SMTP port”, next to “SMTP server”."),
    ),
    Guide(
        MailProgram.WINDOWS_MAIL,
        open_steps=(
            _("Choose Settings (the gear, bottom left) → Manage accounts, then the account."),
            _("Choose “Change mailbox sync settings”, then “Advanced mailbox settings” at the bottom."),
        ),
        set_steps=(
            _("Outgoing (SMTP) email server: %(host)s:%(port)s (the port after the colon)."),
            _(
                "Tick “My outgoing server requires authentication”, untick “Use the same user name and password for sending email” only if it differs; user name: %(username)s."
            ),
            _("Tick “Require SSL for outgoing email” (%(security)s). Choose Done, then Save."),
        ),
        port_step=_(
            "The port is the number after the colon in “Outgoing (SMTP) email server”, e.g. smtp.example.jp:587. No number after a colon means 25."
        ),
    ),
    Guide(
        MailProgram.THUNDERBIRD,
        open_steps=(
            _("Open the ≡ menu → Account Settings."),
            _("Choose “Outgoing Server (SMTP)” at the bottom of the list, select the server and choose Edit…."),
        ),
        set_steps=(
            _("Server Name: %(host)s. Port: %(port)s."),
            _("Connection security: %(security)s. Authentication method: Normal password."),
            _("User Name: %(username)s. Choose OK and restart Thunderbird."),
        ),
        port_step=_("The port is the “Port” box of the window that opens; the list also shows it in the “Port” line."),
    ),
    Guide(
        MailProgram.APPLE_MAIL,
        open_steps=(
            _("In Mail choose Mail → Settings… → Accounts, then the account."),
            _("Open Server Settings and look under “Outgoing Mail Server (SMTP)”."),
        ),
        set_steps=(
            _("Host Name: %(host)s. User Name: %(username)s."),
            _(
                "Untick “Automatically manage connection settings”. Port: %(port)s. Tick “Use TLS/SSL” (%(security)s). Authentication: Password."
            ),
            _("Choose Save and restart Mail."),
        ),
        port_step=_(
            "The port is in the “Port” box under “Outgoing Mail Server (SMTP)”; untick “Automatically manage connection settings” to see it."
        ),
        icon="mac",
    ),
    Guide(
        MailProgram.IPHONE,
        open_steps=(
            _("Open Settings → Apps → Mail → Mail Accounts, then the account and the account name again."),
            _("Tap SMTP under “Outgoing Mail Server”, then the Primary Server."),
        ),
        set_steps=(
            _("Host Name: %(host)s. User Name: %(username)s."),
            _("Use SSL: on (%(security)s). Authentication: Password. Server Port: %(port)s."),
            _("Tap Done, then close and reopen Mail."),
        ),
        port_step=_("The port is the last line, “Server Port”."),
        icon="phone",
    ),
    Guide(
        MailProgram.GMAIL_ANDROID,
        open_steps=(
            _("In the Gmail app open the ≡ menu → Settings, then the account."),
            _("Tap “Outgoing settings”."),
        ),
        set_steps=(
            _("SMTP server: %(host)s. Port: %(port)s. Security type: %(security)s."),
            _("Turn on “Require sign-in”. Username: %(username)s."),
            _("Tap Next and send yourself a test message."),
        ),
        port_step=_("The port is the “Port” box under “SMTP server”."),
        icon="phone",
    ),
    Guide(
        MailProgram.BECKY,
        open_steps=(
            _("Choose Tools → Mailbox Settings…, then the “Basic” tab."),
            _("For the port, open the “Advanced” tab."),
        ),
        set_steps=(
            _("On “Basic”: SMTP server: %(host)s. On “Advanced”: SMTP port: %(port)s."),
            _("On “Advanced”: tick “SMTP authentication” and choose LOGIN; user name: %(username)s."),
            _("Turn on “SSL/TLS” next to the SMTP port (%(security)s). Choose OK and restart Becky!."),
        ),
        port_step=_("The port is the “SMTP” box on the “Advanced” tab."),
    ),
    Guide(
        MailProgram.OTHER,
        open_steps=(_("Open the account settings of your mail program and find the outgoing (SMTP) server."),),
        set_steps=(
            _("Outgoing server: %(host)s. Port: %(port)s. Encryption: %(security)s."),
            _("Turn on “outgoing server requires authentication” (SMTP AUTH). User name: %(username)s."),
            _("Save and restart the mail program."),
        ),
        port_step=_(
            "The port is next to the outgoing (SMTP) server, often on an “Advanced” tab. Not sure? Ask whoever set up the program, or call the support center."
        ),
    ),
)

GUIDES_BY_PROGRAM = {guide.program: guide for guide in GUIDES}
FIND_PORT_STEP = _("Note the port number shown for the outgoing server, then come back and enter it in this setup.")


def guide_settings(inputs: op25b.Inputs, verdict: dict[str, Any]) -> dict[str, Any] | None:
    """The outgoing settings the guide should have the member type: the verdict's settings when it
    asks for a change, otherwise the member's current working settings, None when not known."""
    if verdict.get("settings"):
        return verdict["settings"]
    if inputs.sending_via == op25b.SendingVia.OKBNET:
        return op25b.okbnet_servers(inputs.okbnet_address)[0]
    if inputs.sending_via == op25b.SendingVia.OTHER_PROVIDER and inputs.port in op25b.SUBMISSION_PORTS:
        return {
            "host": inputs.provider_host or None,
            "port": inputs.port,
            "security": op25b.Security.SSL if inputs.port == 465 else op25b.Security.STARTTLS,
            "auth": True,
            "username": str(op25b.PROVIDER_USERNAME_HINT),
        }
    return None


def for_member(verdict: dict[str, Any], inputs: op25b.Inputs, member) -> dict[str, Any]:
    """The verdict with the logged-in member's own SMTP AUTH user name (their OKBNET mail address,
    DESIGN §10) in the OKBNET gateway settings instead of "the user name on your contract
    document". Never a password. Other providers' settings keep their hint."""
    address = getattr(member, "mail_address", "") if member is not None else ""
    if not address or inputs.okbnet_address not in ("", address.lower()):
        return verdict
    gateway = op25b.gateway_host(inputs.okbnet_address or address.lower())

    def own(server: dict[str, Any] | None) -> dict[str, Any] | None:
        if server and server.get("host") == gateway:
            return {**server, "username": address}
        return server

    return {
        **verdict,
        "settings": own(verdict.get("settings")),
        "alternatives": [own(alt) for alt in verdict.get("alternatives", [])],
    }


def render_guides(settings: dict[str, Any] | None, selected: str = "") -> list[dict[str, Any]]:
    """Every guide with the values filled in; the selected program first. Without settings to
    type (the port is not known yet) each guide says where its port is shown."""
    values = None
    if settings:
        values = {
            "host": settings["host"] or _("your provider's outgoing server (see its mail settings page)"),
            "port": settings["port"],
            "security": op25b.Security(settings["security"]).label,
            "username": settings["username"],
        }
    rendered = []
    for guide in sorted(GUIDES, key=lambda g: g.program != selected):
        open_steps = [str(step) for step in guide.open_steps]
        if values:
            steps = open_steps + [str(step) % values for step in guide.set_steps]
        else:
            steps = [*open_steps, str(guide.port_step), str(FIND_PORT_STEP)]
        rendered.append(
            {
                "program": guide.program,
                "name": guide.name,
                "icon": guide.icon,
                "steps": steps,
                "find_port_steps": [*open_steps, str(guide.port_step)],
                "selected": guide.program == selected,
            }
        )
    return rendered
