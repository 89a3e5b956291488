"""URLs of support (tickets), as named lists the root URL module mounts; the abuse desk's are in
support/abuse/urls.py."""

from django.urls import path

from . import api, member_views, views

# /staff/: dashboard and tickets.
staff_urls = [
    path("", views.dashboard, name="staff-dashboard"),
    path("tickets/", views.ticket_list, name="staff-tickets"),
    path("tickets/<str:number>/", views.ticket_detail, name="staff-ticket"),
    path("tickets/<str:number>/action/", views.ticket_action, name="staff-ticket-action"),
]

# /mypage/tickets/: a member's own tickets.
member_urls = [
    path("", member_views.my_tickets, name="my-tickets"),
    path("<str:number>/", member_views.my_ticket, name="my-ticket"),
]

# /api/v1/
api_urls = [
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<path:number>/comments/", api.TicketCommentView.as_view(), name="api-ticket-comments"),
    path("tickets/<path:number>/", api.TicketDetailView.as_view(), name="api-ticket"),
]
