from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import ClientAPIKey, ConnectionPlan, Member, User

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


@admin.register(ClientAPIKey)
class ClientAPIKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "scopes")
