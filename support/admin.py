from django.contrib import admin

from .models import CannedReply, EnforcementAction, SlaTarget, SpamReport, Ticket, TicketEvent


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the abuse desk's services; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpamReport)
class SpamReportAdmin(ReadOnlyAdmin):
    list_display = ("source_ip", "seen_at", "member", "held_as", "ticket", "reporter", "created_at")
    search_fields = ("source_ip", "member__member_number", "ticket__number", "reporter")
    list_select_related = ("member", "ticket")


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "member", "action", "old_status", "new_status", "ticket", "created_by")
    list_filter = ("action",)
    search_fields = ("member__member_number", "ticket__number")
    list_select_related = ("member", "ticket")


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Targets apply to tickets opened (or re-prioritised) after the change."""

    list_display = ("category", "priority", "first_response_minutes", "resolution_minutes")
    list_editable = ("first_response_minutes", "resolution_minutes")
    list_filter = ("category",)


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    list_filter = ("category", "is_active")
    search_fields = ("title", "body_ja", "body_en")

    def get_form(self, request, obj=None, **kwargs):
        from .canned import PLACEHOLDERS

        names = ", ".join(f"{{{name}}}: {text}" for name, text in PLACEHOLDERS.items())
        kwargs["help_texts"] = {"body_ja": names, "body_en": names}
        return super().get_form(request, obj, **kwargs)
