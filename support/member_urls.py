from django.urls import path

from . import member_views

urlpatterns = [
    path("", member_views.my_tickets, name="my-tickets"),
    path("<str:number>/", member_views.my_ticket, name="my-ticket"),
]
