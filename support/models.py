from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [models.Index(fields=["status", "category"], name="ticket_status_category_idx")]

    def __str__(self) -> str:
        return f"{self.number or '-'} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)


class AppendOnly(Exception):
    pass


class TicketEvent(models.Model):
    """Append-only history of a ticket: rows are written once, never changed or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Opened")
        STATUS = "status", _("Status change")
        ASSIGNMENT = "assignment", _("Assignment")
        PRIORITY = "priority", _("Priority change")
        PUBLIC_REPLY = "public_reply", _("Public reply")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        SYSTEM_STEP = "system_step", _("System step")

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

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Ticket events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Ticket events are append-only.")

    @property
    def is_public(self) -> bool:
        return self.kind in (self.Kind.CREATED, self.Kind.PUBLIC_REPLY, self.Kind.STATUS)
