"""URLs of support (tickets), as named lists the root URL module mounts; the abuse desk's are in
support/abuse/urls.py."""

from django.urls import path

from . import api, calls, member_screen, member_views, views

# /staff/: dashboard, tickets, the member search and screen, the caller look-up.
staff_urls = [
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

# /mypage/tickets/: a member's own tickets, a new inquiry and their answers.
member_urls = [
    path("", member_views.my_tickets, name="my-tickets"),
    path("new/", member_views.my_ticket_new, name="my-ticket-new"),
    path("<str:number>/", member_views.my_ticket, name="my-ticket"),
    path("<str:number>/reply/", member_views.my_ticket_reply, name="my-ticket-reply"),
]

# /api/v1/
api_urls = [
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<path:number>/comments/", api.TicketCommentView.as_view(), name="api-ticket-comments"),
    path("tickets/<path:number>/", api.TicketDetailView.as_view(), name="api-ticket"),
]
