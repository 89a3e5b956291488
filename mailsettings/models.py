from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DnsCheck(models.Model):
    """One DNS check of one domain: queued by a service, run by a worker, kept as history."""

    class Kind(models.TextChoices):
        OWN_DOMAIN = "own_domain", _("Own domain hosted by OKBNET")
        PROVIDER = "provider", _("Provider's submission ports")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    OPEN = (Status.QUEUED, Status.RUNNING)
    # The transition map, enforced by services.dns_check_run(). A running check whose worker died
    # may be claimed again (running -> running) once it is stale.
    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING},
        Status.RUNNING: {Status.RUNNING, Status.DONE},
        Status.DONE: set(),
    }

    domain = models.CharField(_("domain"), max_length=253, help_text=_("In A-label (ASCII) form."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(_("result"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("DNS check")
        verbose_name_plural = _("DNS checks")
        ordering = ["-requested_at", "-id"]
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
