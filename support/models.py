from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Member

MemberStatus = Member.Status


class TicketQuerySet(models.QuerySet):
    def unresolved(self):
        return self.exclude(status__in=Ticket.CLOSED_STATUSES)


class Ticket(models.Model):
    class Category(models.TextChoices):
        OP25B = "op25b", _("OP25B")
        PLAN_CHANGE = "plan_change", _("Plan change")
        SPAM_REPORT = "spam_report", _("Spam report")
        ENFORCEMENT = "enforcement", _("Enforcement")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    # The work is over: hidden from "not resolved", attention flag cleared, no more system steps.
    CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)
    # The transition map (okbnet_portal.states.transition, in support.services).
    TRANSITIONS = {
        Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CLOSED}),
        Status.OPEN: frozenset({Status.PENDING, Status.RESOLVED, Status.CLOSED}),
        Status.PENDING: frozenset({Status.OPEN, Status.RESOLVED, Status.CLOSED}),
        Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
        Status.CLOSED: frozenset({Status.OPEN}),
    }

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True, editable=False)
    member = models.ForeignKey(
        "accounts.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    needs_attention = models.BooleanField(
        _("needs a person"), default=False, help_text=_("Set by the system when automatic processing failed.")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        limit_choices_to={"is_staff": True},
    )
    created_by = models.CharField(_("opened by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [models.Index(fields=["status", "category"], name="ticket_status_category_idx")]

    def __str__(self) -> str:
        return f"{self.number or '-'} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES


class AppendOnly(Exception):
    pass


class AppendOnlyModel(models.Model):
    """A row that is written once: history and audit trails are never edited or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly(f"{self._meta.verbose_name_plural} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(f"{self._meta.verbose_name_plural} are append-only.")


class TicketEventQuerySet(models.QuerySet):
    def public(self):
        """What the member may read on their ticket (no internal notes, no system steps)."""
        return self.filter(kind__in=TicketEvent.PUBLIC_KINDS)


class TicketEvent(AppendOnlyModel):
    """Append-only history of a ticket: rows are written once, never changed or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Opened")
        STATUS = "status", _("Status change")
        ASSIGNMENT = "assignment", _("Assignment")
        PRIORITY = "priority", _("Priority change")
        PUBLIC_REPLY = "public_reply", _("Public reply")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        SYSTEM_STEP = "system_step", _("System step")

    PUBLIC_KINDS = (Kind.CREATED, Kind.PUBLIC_REPLY, Kind.STATUS)

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    actor_name = models.CharField(_("by"), max_length=150)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


class SpamReport(models.Model):
    """A complaint that spam came from an OKBNET address at a time, and the member found for it."""

    class HeldAs(models.TextChoices):
        SESSION = "session", _("dynamic session")
        FIXED = "fixed", _("fixed IP address")

    source_ip = models.GenericIPAddressField(_("source IP address"))
    seen_at = models.DateTimeField(_("seen at"))
    evidence = models.TextField(_("evidence"), help_text=_("Headers, log lines or the report as received."))
    reporter = models.CharField(
        _("reporter"), max_length=200, help_text=_("Who reported it (address or organisation).")
    )
    member = models.ForeignKey(
        "accounts.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spam_reports",
    )
    held_as = models.CharField(_("held as"), max_length=10, choices=HeldAs.choices, blank=True)
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="spam_report"
    )
    created_by = models.CharField(_("filed by"), max_length=150)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("filed"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spam report")
        verbose_name_plural = _("spam reports")
        indexes = [models.Index(fields=["source_ip", "seen_at"], name="spamreport_ip_time_idx")]

    def __str__(self) -> str:
        return f"{self.source_ip} {self.seen_at:%Y-%m-%d %H:%M}"


class EnforcementAction(AppendOnlyModel):
    """The audit trail of suspensions, forced cancellations and reinstatements (append-only)."""

    class Action(models.TextChoices):
        SUSPEND = "suspend", _("Suspend")
        CANCEL = "cancel", _("Force-cancel")
        REINSTATE = "reinstate", _("Reinstate")

    # The transition map of a member's contract status: action → (statuses it may start from,
    # status it leads to). Enforced in support.abuse.services through okbnet_portal.states.
    TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
        Action.SUSPEND: (frozenset({MemberStatus.ACTIVE}), MemberStatus.SUSPENDED),
        Action.CANCEL: (frozenset({MemberStatus.ACTIVE, MemberStatus.SUSPENDED}), MemberStatus.CANCELLED),
        Action.REINSTATE: (frozenset({MemberStatus.SUSPENDED}), MemberStatus.ACTIVE),
    }

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="enforcement_actions"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), help_text=_("Shown to the member on their page and in the e-mail."))
    old_status = models.CharField(_("status before"), max_length=10)
    new_status = models.CharField(_("status after"), max_length=10)
    evidence_ticket = models.ForeignKey(
        Ticket, verbose_name=_("evidence"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("enforcement ticket"), on_delete=models.PROTECT, related_name="enforcement_actions"
    )
    created_by = models.CharField(_("by"), max_length=150)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")

    def __str__(self) -> str:
        return f"{self.member_id} {self.action}"
