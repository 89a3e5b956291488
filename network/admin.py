from django.contrib import admin

from .models import FixedAddress, IpAssignment, IpPool
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
