from django.contrib import admin

from . import services
from .models import FixedAddress, IpAssignment, IpPool, Nas, RadiusSession, RefusedSource, SessionImport
from .services import pool_sync_addresses


@admin.register(IpPool)
class IpPoolAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "kind", "line_type", "active")
    list_filter = ("kind", "line_type", "active")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pool_sync_addresses(pool=obj)


@admin.register(FixedAddress)
class FixedAddressAdmin(admin.ModelAdmin):
    list_display = ("address", "pool", "member", "assigned_at")
    list_filter = ("pool",)
    search_fields = ("address", "member__member_number")
    raw_id_fields = ("member",)
    list_select_related = ("pool", "member")


@admin.register(IpAssignment)
class IpAssignmentAdmin(admin.ModelAdmin):
    list_display = ("address", "member", "assigned_from", "assigned_until", "created_by")
    raw_id_fields = ("member", "address", "created_by_user")
    list_select_related = ("address", "member")


@admin.register(RefusedSource)
class RefusedSourceAdmin(admin.ModelAdmin):
    """Every change goes through the services, so the Postfix tables follow it."""

    list_display = ("value", "kind", "reason", "expires_at", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "reason")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        services.refusal_save(entry=obj)

    def delete_model(self, request, obj):
        services.refusal_remove(entry=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.refusal_remove(entry=obj)


@admin.register(SessionImport)
class SessionImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "rows", "created_by", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RadiusSession)
class RadiusSessionAdmin(admin.ModelAdmin):
    list_display = ("address", "username", "member", "started_at", "stopped_at")
    search_fields = ("address", "username", "member__member_number")
    list_select_related = ("member",)
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Nas)
class NasAdmin(admin.ModelAdmin):
    """The NAS that Disconnect-Requests go to (FreeRADIUS's `nas` table, in the RADIUS database)."""

    list_display = ("shortname", "nasname", "type", "description")
    search_fields = ("shortname", "nasname")
    fields = ("nasname", "shortname", "type", "secret", "description")
