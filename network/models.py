import ipaddress

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import CidrField


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
