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


@dataclass(frozen=True)
class Guide:
    program: str
    open_steps: tuple[Promise, ...]  # how to reach the outgoing server settings
    set_steps: tuple[Promise, ...]  # what to type there

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
    ),
    Guide(
        MailProgram.OTHER,
        open_steps=(_("Open the account settings of your mail program and find the outgoing (SMTP) server."),),
        set_steps=(
            _("Outgoing server: %(host)s. Port: %(port)s. Encryption: %(security)s."),
            _("Turn on “outgoing server requires authentication” (SMTP AUTH). User name: %(username)s."),
            _("Save and restart the mail program."),
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


def render_guides(settings: dict[str, Any] | None, selected: str = "") -> list[dict[str, Any]]:
    """Every guide with the values filled in; the selected program first."""
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
        steps = [str(step) for step in guide.open_steps]
        if values:
            steps += [str(step) % values for step in guide.set_steps]
        else:
            steps.append(str(FIND_PORT_STEP))
        rendered.append(
            {"program": guide.program, "name": guide.name, "steps": steps, "selected": guide.program == selected}
        )
    return rendered
