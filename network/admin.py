from django.contrib import admin

from . import services
from .models import RadiusSession, RefusedSource, SessionImport


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
