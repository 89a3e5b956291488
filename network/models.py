import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import CidrField

MAX_FIXED_POOL_ADDRESSES = 4096


class IpPool(models.Model):
    """A block of addresses of one access line type: fixed addresses handed to members one by
    one, or a dynamic range (published to mobile carriers)."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        DYNAMIC = "dynamic", _("Dynamic")

    name = models.CharField(_("name"), max_length=100)
    network = CidrField(_("network"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    line_type = models.CharField(_("line type"), max_length=40, help_text=_("Same value as the plans' line type."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "line_type", "network"]
        verbose_name = _("IP pool")
        verbose_name_plural = _("IP pools")

    def __str__(self) -> str:
        return f"{self.name} ({self.network})"

    @property
    def ip_network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network(self.network)

    def clean(self) -> None:
        """No two pools overlap (PostgreSQL enforces it too: an exclusion constraint, migration 0003).

        A fixed pool gets one row per address, so it must stay small (IPv6 fixed pools included).
        """
        super().clean()
        if not self.network:
            return
        net = self.ip_network
        if self.kind == self.Kind.FIXED and net.num_addresses > MAX_FIXED_POOL_ADDRESSES:
            raise ValidationError(
                {"network": _("A fixed pool may hold at most %(n)d addresses.") % {"n": MAX_FIXED_POOL_ADDRESSES}}
            )
        others = IpPool.objects.exclude(pk=self.pk).values_list("name", "network")
        for name, other in others:
            if net.overlaps(ipaddress.ip_network(other)):  # type: ignore[arg-type]
                raise ValidationError(
                    {
                        "network": _("This network overlaps the pool “%(name)s” (%(network)s).")
                        % {"name": name, "network": other}
                    }
                )

    def usable_addresses(self) -> list[str]:
        """Every address a member can get: the network and broadcast addresses are left out."""
        net = self.ip_network
        if net.version == 4 and net.prefixlen <= 30:
            return [str(a) for a in net.hosts()]
        return [str(a) for a in net]


class FixedAddress(models.Model):
    """One usable address of a fixed pool: a row that allocation can lock."""

    pool = models.ForeignKey(IpPool, verbose_name=_("pool"), on_delete=models.CASCADE, related_name="addresses")
    address = models.GenericIPAddressField(_("address"), unique=True)
    member = models.OneToOneField(
        "accounts.Member",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fixed_address",
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    class Meta:
        ordering = ["pool", "id"]
        verbose_name = _("fixed address")
        verbose_name_plural = _("fixed addresses")
        indexes = [models.Index(fields=["pool", "member"], name="fixedaddress_free_idx")]

    def __str__(self) -> str:
        return self.address


class IpAssignment(models.Model):
    """History: which member held which fixed address, from when to when."""

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="ip_assignments"
    )
    address = models.ForeignKey(
        FixedAddress, verbose_name=_("address"), on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_from = models.DateTimeField(_("from"))
    assigned_until = models.DateTimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.CharField(_("by"), max_length=150, blank=True)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-assigned_from"]
        verbose_name = _("IP assignment")
        verbose_name_plural = _("IP assignments")

    def __str__(self) -> str:
        return f"{self.address} → {self.member_id}"


DOMAIN_VALIDATOR = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _("Enter a domain name such as spam.example."),
)


class RefusedSourceQuerySet(models.QuerySet):
    def in_force(self, at=None):
        at = at or timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at))


class RefusedSource(models.Model):
    """A source whose inbound mail OKBNET's servers refuse: a client address/network or a sender domain.

    Exported to Postfix tables (network.refusals); an entry drops out at `expires_at`.
    """

    class Kind(models.TextChoices):
        NETWORK = "network", _("IP address or network (CIDR)")
        DOMAIN = "domain", _("sender domain")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("source"), max_length=253, help_text=_("192.0.2.10, 192.0.2.0/24, or spam.example"))
    reason = models.CharField(_("reason"), max_length=200, help_text=_("Internal: not shown to the sender."))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: until removed."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = RefusedSourceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("refused inbound source")
        verbose_name_plural = _("refused inbound sources")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="refused_source_unique_value")]

    def __str__(self) -> str:
        return self.value

    def clean(self) -> None:
        self.value = normalise_source(self.kind, self.value)


def normalise_source(kind: str, value: str) -> str:
    """The canonical form of a source, or ValidationError: a network without host bits, a lower-case domain."""
    value = (value or "").strip()
    if kind == RefusedSource.Kind.NETWORK:
        try:
            net = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValidationError({"value": _("Enter an IPv4/IPv6 address or network (CIDR).")}) from None
        if net.prefixlen < (8 if net.version == 4 else 16):
            raise ValidationError({"value": _("This network is too large to refuse as a whole.")})
        return str(net)
    value = value.lower().rstrip(".").removeprefix("@")
    try:
        DOMAIN_VALIDATOR(value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from None
    return value


class SessionImport(models.Model):
    """One upload of the RADIUS accounting log: who imported what (the audit of the look-up data).

    A staff upload is stored (SessionUpload, in the database so that any worker host can read it)
    and imported by a worker; `rows_done` of `total_rows` is its progress. The result is all or
    nothing: `completed` with every session, or `refused` with the bad lines in `errors`.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        CHECKING = "checking", _("Checking the lines")
        LOADING = "loading", _("Saving the sessions")
        COMPLETED = "completed", _("Imported")
        REFUSED = "refused", _("Refused: nothing was imported")

    filename = models.CharField(_("file name"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.COMPLETED)
    total_rows = models.PositiveIntegerField(_("lines in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("lines done"), default=0)
    # [[line, code, params], ...]: rendered in the reader's language (network.services.RowError).
    errors = models.JSONField(_("bad lines"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    FINISHED = frozenset({Status.COMPLETED, Status.REFUSED})

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("session log import")
        verbose_name_plural = _("session log imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class SessionUpload(models.Model):
    """The uploaded file of an import until a worker has imported it (then it is deleted)."""

    session_import = models.OneToOneField(SessionImport, on_delete=models.CASCADE, primary_key=True, related_name="+")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"upload of import {self.session_import_id}"


class SessionStage(models.Model):
    """Checked rows of an import being loaded in chunks; moved into RadiusSession in one
    transaction at the end, so that a half-loaded file is never visible."""

    # Plain columns, no foreign keys: a million-row COPY should not fire a million constraint
    # triggers; the rows are checked before and the publishing INSERT checks them again.
    import_id = models.BigIntegerField(db_index=True)
    member_id = models.BigIntegerField()
    username = models.CharField(max_length=64)
    address = models.GenericIPAddressField()
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.started_at}"


class RadiusSession(models.Model):
    """A dynamic address held by a member from `started_at` (inclusive) to `stopped_at` (exclusive).

    `stopped_at` is empty while the session is open. The member is resolved from the user name at
    import time, because a plan change issues a new connection user name later.
    """

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="radius_sessions"
    )
    username = models.CharField(_("connection user name"), max_length=64)
    address = models.GenericIPAddressField(_("address"))
    started_at = models.DateTimeField(_("start"))
    stopped_at = models.DateTimeField(_("stop"), null=True, blank=True)
    imported = models.ForeignKey(SessionImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("RADIUS session")
        verbose_name_plural = _("RADIUS sessions")
        constraints = [
            models.UniqueConstraint(fields=["username", "address", "started_at"], name="radius_session_unique"),
            models.CheckConstraint(
                condition=models.Q(stopped_at__isnull=True) | models.Q(stopped_at__gt=models.F("started_at")),
                name="radius_session_stops_after_start",
            ),
        ]
        indexes = [models.Index(fields=["address", "started_at"], name="radius_session_addr_start")]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.started_at:%Y-%m-%d %H:%M:%S}"


class SpfStatus(models.Model):
    """The last check of OKBNET's published SPF (one row per mail domain), written by the worker.

    Kept in the database, not the cache: the web processes and the worker share no memory in the
    embedded run (local-memory cache).
    """

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    result = models.JSONField(_("result"))
    checked_at = models.DateTimeField(_("checked"))

    class Meta:
        verbose_name = _("SPF status")
        verbose_name_plural = _("SPF statuses")

    def __str__(self) -> str:
        return self.domain


# --- RADIUS ----------------------------------------------------------------------------------
# FreeRADIUS 3's own PostgreSQL tables (mods-config/sql/main/postgresql/schema.sql), with its
# column names, so that the stock `sql` module's default queries read them. They live in the
# database of RADIUS_DATABASE_URL (network.routers.RadiusRouter) and only network.provisioning
# writes them.


class RadCheck(models.Model):
    id = models.AutoField(primary_key=True)
    username = models.TextField(db_default="")
    attribute = models.TextField(db_default="")
    op = models.CharField(max_length=2, db_default="==")
    value = models.TextField(db_default="")

    class Meta:
        db_table = "radcheck"
        indexes = [models.Index(fields=["username", "attribute"], name="radcheck_username")]

    def __str__(self) -> str:
        return f"{self.username} {self.attribute} {self.op} {self.value}"


class RadReply(models.Model):
    id = models.AutoField(primary_key=True)
    username = models.TextField(db_default="")
    attribute = models.TextField(db_default="")
    op = models.CharField(max_length=2, db_default="=")
    value = models.TextField(db_default="")

    class Meta:
        db_table = "radreply"
        indexes = [models.Index(fields=["username", "attribute"], name="radreply_username")]

    def __str__(self) -> str:
        return f"{self.username} {self.attribute} {self.op} {self.value}"


class RadGroupCheck(models.Model):
    id = models.AutoField(primary_key=True)
    groupname = models.TextField(db_default="")
    attribute = models.TextField(db_default="")
    op = models.CharField(max_length=2, db_default="==")
    value = models.TextField(db_default="")

    class Meta:
        db_table = "radgroupcheck"
        indexes = [models.Index(fields=["groupname", "attribute"], name="radgroupcheck_groupname")]

    def __str__(self) -> str:
        return f"{self.groupname} {self.attribute} {self.op} {self.value}"


class RadGroupReply(models.Model):
    id = models.AutoField(primary_key=True)
    groupname = models.TextField(db_default="")
    attribute = models.TextField(db_default="")
    op = models.CharField(max_length=2, db_default="=")
    value = models.TextField(db_default="")

    class Meta:
        db_table = "radgroupreply"
        indexes = [models.Index(fields=["groupname", "attribute"], name="radgroupreply_groupname")]

    def __str__(self) -> str:
        return f"{self.groupname} {self.attribute} {self.op} {self.value}"


class RadUserGroup(models.Model):
    id = models.AutoField(primary_key=True)
    username = models.TextField(db_default="")
    groupname = models.TextField(db_default="")
    priority = models.IntegerField(db_default=0)

    class Meta:
        db_table = "radusergroup"
        indexes = [models.Index(fields=["username"], name="radusergroup_username")]

    def __str__(self) -> str:
        return f"{self.username} {self.groupname} {self.priority}"


class Nas(models.Model):
    """A RADIUS client (NAS): where Disconnect-Requests go, with its shared secret."""

    id = models.AutoField(primary_key=True)
    nasname = models.TextField(_("address"))
    shortname = models.TextField(_("short name"))
    type = models.TextField(_("type"), db_default="other")
    ports = models.IntegerField(_("ports"), null=True, blank=True)
    secret = models.TextField(_("secret"))
    server = models.TextField(null=True, blank=True)
    community = models.TextField(null=True, blank=True)
    description = models.TextField(_("description"), null=True, blank=True)

    class Meta:
        db_table = "nas"
        verbose_name = _("NAS")
        verbose_name_plural = _("NAS")
        indexes = [models.Index(fields=["nasname"], name="nas_nasname")]

    def __str__(self) -> str:
        return f"{self.shortname} ({self.nasname})"


RADIUS_MODELS = (RadCheck, RadReply, RadGroupCheck, RadGroupReply, RadUserGroup, Nas)


class RadiusOutbox(models.Model):
    """A member's RADIUS rows to rewrite, saved in the transaction that changed the member.

    A worker applies it (network.provisioning.outbox_apply) from the member's state at that moment,
    so an entry applied late, twice or out of order still writes the right rows; `applied_at`
    is set in the same step. Entries the RADIUS database refused stay pending for the beat sweep.
    """

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="radius_outbox"
    )
    # Every user name whose rows this entry rewrites (or removes): current, old and retired ones.
    usernames = models.JSONField(_("user names"), default=list)
    # The user names whose sessions get a Disconnect-Request once the rows are written.
    disconnect_usernames = models.JSONField(_("disconnect"), default=list, blank=True)
    ticket = models.ForeignKey(
        "support.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    disconnected_at = models.DateTimeField(_("disconnect sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("RADIUS outbox entry")
        verbose_name_plural = _("RADIUS outbox")
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(applied_at__isnull=True), name="radius_outbox_pending"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.member_id} {self.usernames}"


class RadiusRetiredName(models.Model):
    """A connection user name replaced by a plan change: it keeps working until `until` (the date
    the member was told, when billing changes too), then the beat job removes it."""

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="radius_retired_names"
    )
    username = models.CharField(_("connection user name"), max_length=64, unique=True)
    ip_type = models.CharField(_("IP type"), max_length=10, default="dynamic")
    until = models.DateField(_("works until (exclusive)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["until"]
        verbose_name = _("old connection user name")
        verbose_name_plural = _("old connection user names")

    def __str__(self) -> str:
        return f"{self.username} → {self.until}"


class RadiusDisconnect(models.Model):
    """One Disconnect-Request (RFC 5176) sent to a NAS, and its answer."""

    class Result(models.TextChoices):
        ACK = "ack", _("Disconnected (ACK)")
        NAK = "nak", _("Refused by the NAS (NAK)")
        TIMEOUT = "timeout", _("No answer from the NAS")
        NO_NAS = "no_nas", _("No NAS known for the session")
        ERROR = "error", _("Could not be sent")

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="radius_disconnects"
    )
    username = models.CharField(_("connection user name"), max_length=64)
    nas = models.CharField(_("NAS"), max_length=255, blank=True)
    result = models.CharField(_("answer"), max_length=10, choices=Result.choices)
    error_cause = models.PositiveIntegerField(_("error cause"), null=True, blank=True)
    outbox = models.ForeignKey(RadiusOutbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("RADIUS disconnect")
        verbose_name_plural = _("RADIUS disconnects")

    def __str__(self) -> str:
        return f"{self.username} {self.nas} {self.result}"


class SendingQuotaBreach(models.Model):
    """A member over their sending quota in one window (network.policy): one ticket per window,
    however many policy processes saw it and however often the worker's task runs."""

    member = models.ForeignKey(
        "accounts.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="sending_quota_breaches"
    )
    window = models.CharField(_("window"), max_length=20)  # "hour:2026120214" or "day:20261202"
    hour_count = models.PositiveIntegerField(_("recipients this hour"))
    day_count = models.PositiveIntegerField(_("recipients today"))
    hour_quota = models.PositiveIntegerField(_("recipients per hour"))
    day_quota = models.PositiveIntegerField(_("recipients per day"))
    ticket = models.ForeignKey(
        "support.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="sending_quota_breaches"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sending quota exceeded")
        verbose_name_plural = _("sending quota exceeded")
        constraints = [models.UniqueConstraint(fields=["member", "window"], name="sending_breach_once_per_window")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.window}"
