from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import op25b


class StoredCheck(models.Model):
    """A look-up of the outside world kept as history (DNS checks, submission probes): queued by a
    service, run by a worker, valid until `expires_at`. The status, the transition map and the
    times are the same for every kind of check."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    OPEN = (Status.QUEUED, Status.RUNNING)
    # The transition map (okbnet_portal.states.transition, in the services' run functions; the claim
    # queued/stale running -> running is a conditional UPDATE there). A running check whose worker died
    # may be claimed again (running -> running) once it is stale.
    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING},
        Status.RUNNING: {Status.RUNNING, Status.DONE},
        Status.DONE: set(),
    }

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(_("result"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-id"]


class DnsCheck(StoredCheck):
    """One DNS check of one domain."""

    class Kind(models.TextChoices):
        OWN_DOMAIN = "own_domain", _("Own domain hosted by OKBNET")
        PROVIDER = "provider", _("Provider's submission ports")

    domain = models.CharField(_("domain"), max_length=253, help_text=_("In A-label (ASCII) form."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta(StoredCheck.Meta):
        verbose_name = _("DNS check")
        verbose_name_plural = _("DNS checks")
        indexes = [models.Index(fields=["domain", "kind", "-requested_at"], name="dnscheck_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "kind"],
                condition=Q(status__in=["queued", "running"]),
                name="dnscheck_one_open_per_domain",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.domain} ({self.status})"


class MailProgram(models.TextChoices):
    """The mail programs we have step-by-step guides for (see guides.py), by the names people say.
    Also the `mail_client` input of the check and the API (DESIGN §7)."""

    OUTLOOK_CLASSIC = "outlook_classic", _("Outlook (classic)")
    OUTLOOK_NEW = "outlook_new", _("New Outlook for Windows")
    WINDOWS_MAIL = "windows_mail", _("“Mail” on Windows")
    THUNDERBIRD = "thunderbird", _("Thunderbird")
    IPHONE = "iphone", _("Mail on iPhone / iPad")
    GMAIL_ANDROID = "gmail_android", _("Gmail app on Android")
    APPLE_MAIL = "apple_mail", _("Mail on a Mac")
    BECKY = "becky", _("Becky! Internet Mail")
    OTHER = "other", _("Another program, or I don't know")


class MailSetup(models.Model):
    """One way a member sends mail: the inputs of DESIGN §7 except ip_type, which always comes
    from the member's plan, so the verdict follows a plan change without saving again."""

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="mail_setups"
    )
    label = models.CharField(_("name of this setup"), max_length=80)
    mail_program = models.CharField(_("mail program"), max_length=20, choices=MailProgram.choices)
    sending_via = models.CharField(_("how mail is sent"), max_length=20, choices=op25b.SendingVia.choices)
    port = models.PositiveSmallIntegerField(_("outgoing port"), null=True, blank=True)
    provider_submission = models.CharField(
        _("provider accepts"),
        max_length=10,
        choices=op25b.ProviderSubmission.choices,
        default=op25b.ProviderSubmission.UNKNOWN,
    )
    okbnet_address = models.EmailField(_("OKBNET mail address"), blank=True)
    provider_host = models.CharField(_("provider's outgoing server"), max_length=253, blank=True)
    provider_domain = models.CharField(_("provider's mail domain"), max_length=253, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["member", "id"]
        verbose_name = _("mail setup")
        verbose_name_plural = _("mail setups")

    def __str__(self) -> str:
        return self.label

    def inputs_data(self) -> dict[str, Any]:
        """Raw §7 inputs for op25b.clean_inputs(); ip_type from the member's current plan."""
        return {
            "ip_type": self.member.plan.ip_type,
            "sending_via": self.sending_via,
            "port": self.port,
            "provider_submission": self.provider_submission,
            "okbnet_address": self.okbnet_address or self.member.mail_address,
            "provider_host": self.provider_host,
            "provider_domain": self.provider_domain,
        }


class OwnDomain(models.Model):
    """A member's own mail domain whose mail OKBNET hosts: only these (and OKBNET's own domain)
    get a gateway `gw.<domain>`. Staff keep the list in the admin or with `manage.py own_domains`."""

    domain = models.CharField(
        _("domain"), max_length=253, unique=True, help_text=_("In A-label (ASCII) form, lower case.")
    )
    member = models.ForeignKey(
        "accounts.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_domains",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("own domain hosted by OKBNET")
        verbose_name_plural = _("own domains hosted by OKBNET")

    def __str__(self) -> str:
        return self.domain


class SubmissionProbe(StoredCheck):
    """One submission probe (DESIGN §7b). `name` is what the member gave: the provider's outgoing
    host, or its mail domain (then the worker tries smtp.<domain> and mail.<domain>, as Thunderbird
    guesses)."""

    class Kind(models.TextChoices):
        HOST = "host", _("Outgoing server")
        DOMAIN = "domain", _("Mail domain")

    name = models.CharField(_("name"), max_length=253, help_text=_("In A-label (ASCII) form."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    host = models.CharField(_("probed server"), max_length=253, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    support = models.CharField(
        _("submission ports"),
        max_length=10,
        choices=op25b.ProviderSubmission.choices,
        default=op25b.ProviderSubmission.UNKNOWN,
    )

    class Meta(StoredCheck.Meta):
        verbose_name = _("submission probe")
        verbose_name_plural = _("submission probes")
        indexes = [models.Index(fields=["name", "kind", "-requested_at"], name="probe_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "kind"],
                condition=Q(status__in=["queued", "running"]),
                name="probe_one_open_per_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.status})"
