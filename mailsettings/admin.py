from django.contrib import admin

from .models import DnsCheck, MailSetup


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
