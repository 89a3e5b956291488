from django.contrib import admin

from .models import Ticket, TicketEvent


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "field", "old_value", "new_value", "body", "actor_name")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: status, assignment and replies go through the staff ticket page (services)."""

    list_display = ("number", "subject", "member", "category", "status", "priority", "assignee", "updated_at")
    list_filter = ("status", "category", "priority", "needs_attention")
    search_fields = ("number", "subject", "member__member_number", "member__name")
    list_select_related = ("member", "assignee")
    raw_id_fields = ("member", "assignee")
    readonly_fields = ("number", "status", "assignee", "needs_attention", "created_by", "created_at", "updated_at")
    inlines = [TicketEventInline]


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "field", "new_value", "actor_name", "created_at")
    list_filter = ("kind",)
    list_select_related = ("ticket",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
