from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from okbnet_portal.api.keys import ClientAPIKey  # noqa: F401 - a model of this app, kept with the API layer

from .phones import PHONE_KEY_EXPRESSION


class User(AbstractUser):
    """The log-in identity. Members log in with their connection user name or e-mail
    (see accounts.backends); staff with their user name."""


class IpType(models.TextChoices):
    """A plan's kind of address: OP25B applies to dynamic ones (mailsettings.op25b decides)."""

    DYNAMIC = "dynamic", _("Dynamic IP (standard plans)")
    FIXED = "fixed", _("Fixed IP")


class ConnectionPlan(models.Model):
    """A connection plan of the price list; each dynamic plan names its fixed-IP variant."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    line_type = models.CharField(_("line type"), max_length=40)
    ip_type = models.CharField(_("IP type"), max_length=10, choices=IpType.choices)
    monthly_fee = models.PositiveIntegerField(_("monthly fee (yen, tax incl.)"))
    fixed_variant = models.OneToOneField(
        "self",
        verbose_name=_("fixed-IP variant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dynamic_variant",
        limit_choices_to={"ip_type": IpType.FIXED},
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    # The mail gateway's sending quota (network.policy): recipients a member may send to through
    # gw.* per clock hour and per day; over it the policy service defers and opens a ticket.
    send_quota_per_hour = models.PositiveIntegerField(_("recipients per hour"), default=200)
    send_quota_per_day = models.PositiveIntegerField(_("recipients per day"), default=1000)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("connection plan")
        verbose_name_plural = _("connection plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fixed_variant__isnull=True) | models.Q(ip_type=IpType.DYNAMIC),
                name="plan_only_dynamic_has_fixed_variant",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") else self.name


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.OneToOneField(
        User, verbose_name=_("log-in user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    member_number = models.CharField(_("member number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    # The number in one comparable form (accounts.phones): what the search and caller look-up match.
    phone_key = models.GeneratedField(
        verbose_name=_("phone (digits)"),
        expression=PHONE_KEY_EXPRESSION,
        output_field=models.CharField(max_length=20),
        db_persist=True,
    )
    email = models.EmailField(_("contact e-mail"), db_index=True)
    connection_username = models.CharField(_("connection user name"), max_length=64, unique=True)
    mail_address = models.EmailField(_("OKBNET mail address"), blank=True)
    plan = models.ForeignKey(ConnectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="members")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    fixed_ip = models.GenericIPAddressField(_("fixed IP address"), null=True, blank=True, unique=True)
    # Only a hash of the activation code printed on the contract document; empty once used.
    activation_code_hash = models.CharField(_("activation code (hash)"), max_length=128, blank=True, editable=False)
    # The connection (PPPoE) password only as the hash FreeRADIUS verifies (network.passwords:
    # an SSHA2-512-Password value); network.provisioning writes it to radcheck.
    connection_password_hash = models.CharField(
        _("connection password (hash)"), max_length=200, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["member_number"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        # Exact look-ups of the call-center search (accounts.selectors.member_search): the e-mail
        # case-insensitively. Partial name/kana search uses pg_trgm indexes made by migration 0005
        # on PostgreSQL only (SQLite scans).
        indexes = [
            models.Index(Upper("email"), name="member_email_upper_idx"),
            models.Index(fields=["phone_key"], name="member_phone_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_number} {self.name}"

    @property
    def ip_type(self) -> str:
        return self.plan.ip_type


class PlanChangeRequest(models.Model):
    """A member's change to the fixed-IP variant of their plan (DESIGN §8), carried out by a worker."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PROCESSING = "processing", _("Processing")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.SUBMITTED, Status.PROCESSING)
    # The transition map (okbnet_portal.states.transition, in accounts.services). The worker's
    # claim submitted -> processing is a conditional UPDATE there, so two deliveries cannot both win.
    TRANSITIONS = {
        Status.SUBMITTED: frozenset({Status.PROCESSING, Status.CANCELLED, Status.FAILED}),
        Status.PROCESSING: frozenset({Status.COMPLETED, Status.FAILED}),
        Status.FAILED: frozenset({Status.SUBMITTED}),  # staff retry
        Status.COMPLETED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    class FailureReason(models.TextChoices):
        POOL_EXHAUSTED = "pool_exhausted", _("No free fixed IP address is left for this line type.")
        MEMBER_SUSPENDED = "member_suspended", _("The member's contract is suspended or cancelled.")
        NO_FIXED_VARIANT = "no_fixed_variant", _("The plan has no fixed-IP variant.")
        GAVE_UP = "gave_up", _("Processing failed repeatedly; a person must look at it.")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="plan_change_requests"
    )
    from_plan = models.ForeignKey(
        ConnectionPlan, verbose_name=_("current plan"), on_delete=models.PROTECT, related_name="+"
    )
    target_plan = models.ForeignKey(
        ConnectionPlan, verbose_name=_("target plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    # Indexed: a caller may still give the user name they had before the change.
    old_connection_username = models.CharField(_("old connection user name"), max_length=64, blank=True, db_index=True)
    new_connection_username = models.CharField(_("new connection user name"), max_length=64, blank=True)
    fixed_ip = models.GenericIPAddressField(_("fixed IP address"), null=True, blank=True)
    effective_date = models.DateField(_("applies from"))
    failure_reason = models.CharField(_("failure reason"), max_length=20, choices=FailureReason.choices, blank=True)
    failure_detail = models.TextField(_("failure detail"), blank=True)
    ticket = models.ForeignKey(
        "support.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="plan_change_requests"
    )
    steps = models.JSONField(_("steps"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.CharField(_("requested by"), max_length=150)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    claimed_at = models.DateTimeField(_("processing since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan change request")
        verbose_name_plural = _("plan change requests")
        constraints = [
            # The last guard of "one open request per member", whatever races the service loses.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["submitted", "processing"]),
                name="plan_change_one_open_per_member",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="planchange_status_idx")]

    # Set by accounts.services when it queues the request's task (okbnet_portal.enqueue.Enqueued);
    # not stored: after commit it tells the page and the API whether the broker took the message.
    enqueued = None

    def __str__(self) -> str:
        return f"#{self.pk} {self.member_id} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def processing_delayed(self) -> bool:
        """The broker did not take the task: the sweep will send it (PLAN_CHANGE_SWEEP_SECONDS)."""
        return bool(self.enqueued and self.enqueued.failed)


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an `Idempotency-Key` header (okbnet_portal.api.idempotency).

    The unique (principal, key) pair makes a concurrent second request wait for the first one's
    transaction, then replay its stored response.
    """

    principal = models.CharField(max_length=200)  # "api-key:<id>" or "user:<id>"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique_principal_key")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
