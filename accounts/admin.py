from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from okbnet_portal.api import keys

from .models import ConnectionPlan, Member, PlanChangeRequest, User

admin.site.register(User, UserAdmin)


@admin.register(ConnectionPlan)
class ConnectionPlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "line_type", "ip_type", "monthly_fee", "fixed_variant")
    list_filter = ("ip_type", "line_type")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("member_number", "name", "connection_username", "plan", "status")
    list_filter = ("status", "plan")
    search_fields = ("member_number", "name", "name_kana", "connection_username", "email", "phone")
    list_select_related = ("plan",)
    raw_id_fields = ("user",)


keys.register_admin(admin.site)


@admin.register(PlanChangeRequest)
class PlanChangeRequestAdmin(admin.ModelAdmin):
    """Read-only here: requests change through the services (member page, API, staff ticket page)."""

    list_display = ("id", "member", "status", "target_plan", "fixed_ip", "failure_reason", "created_at")
    list_filter = ("status", "failure_reason")
    search_fields = ("member__member_number", "new_connection_username", "fixed_ip")
    list_select_related = ("member", "target_plan")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
