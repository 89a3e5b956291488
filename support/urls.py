from django.urls import path

from . import calls, member_screen, views

urlpatterns = [
    path("", views.dashboard, name="staff-dashboard"),
    path("tickets/", views.ticket_list, name="staff-tickets"),
    path("tickets/new/", calls.ticket_new, name="staff-ticket-new"),
    path("tickets/<str:number>/", views.ticket_detail, name="staff-ticket"),
    path("tickets/<str:number>/action/", views.ticket_action, name="staff-ticket-action"),
    path("members/", member_screen.member_search, name="staff-members"),
    path("members/<str:member_number>/", member_screen.member_detail, name="staff-member"),
    path("members/<str:member_number>/plan-change/", member_screen.member_plan_change, name="staff-member-plan-change"),
    path("calls/", calls.caller_lookup, name="staff-calls"),
]
