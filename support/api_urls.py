from django.urls import path

from . import api

urlpatterns = [
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<path:number>/comments/", api.TicketCommentView.as_view(), name="api-ticket-comments"),
    path("tickets/<path:number>/", api.TicketDetailView.as_view(), name="api-ticket"),
]
