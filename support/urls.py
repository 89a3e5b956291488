from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="staff-dashboard"),
    path("tickets/", views.ticket_list, name="staff-tickets"),
    path("tickets/<str:number>/", views.ticket_detail, name="staff-ticket"),
    path("tickets/<str:number>/action/", views.ticket_action, name="staff-ticket-action"),
]
