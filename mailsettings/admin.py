from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import domains
from .models import DnsCheck, MailSetup, OwnDomain, SubmissionProbe


class OwnDomainForm(forms.ModelForm):
    class Meta:
        model = OwnDomain
        fields = ("domain", "member")

    def clean_domain(self):
        try:
            name = domains.normalise(self.cleaned_data["domain"])
        except domains.InvalidDomain:
            raise forms.ValidationError(_("Enter a domain name such as yamada-shoten.jp.")) from None
        if name == settings.OKBNET_MAIL_DOMAIN:
            raise forms.ValidationError(_("OKBNET's own domain is always hosted; it needs no entry."))
        return name


@admin.register(DnsCheck)
class DnsCheckAdmin(admin.ModelAdmin):
    """Read-only: checks are written by services.dns_check_run() only."""

    list_display = ("domain", "kind", "status", "requested_at", "checked_at", "expires_at")
    list_filter = ("kind", "status")
    search_fields = ("domain",)
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MailSetup)
class MailSetupAdmin(admin.ModelAdmin):
    list_display = ("label", "member", "mail_program", "sending_via", "port", "provider_submission")
    list_filter = ("mail_program", "sending_via", "port")
    search_fields = ("label", "member__member_number", "member__name", "provider_host")
    list_select_related = ("member",)
    raw_id_fields = ("member",)


@admin.register(OwnDomain)
class OwnDomainAdmin(admin.ModelAdmin):
    """The registry of own domains OKBNET hosts: only these get a gateway gw.<domain>."""

    form = OwnDomainForm
    list_display = ("domain", "member", "created_at")
    search_fields = ("domain", "member__member_number", "member__name")
    list_select_related = ("member",)
    raw_id_fields = ("member",)


@admin.register(SubmissionProbe)
class SubmissionProbeAdmin(admin.ModelAdmin):
    """Read-only: probes are written by services.submission_probe_run() only."""

    list_display = ("name", "kind", "status", "host", "address", "support", "checked_at", "expires_at")
    list_filter = ("kind", "status", "support")
    search_fields = ("name", "host")
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
