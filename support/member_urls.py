from django.urls import path

from . import member_views

urlpatterns = [
    path("", member_views.my_tickets, name="my-tickets"),
    path("new/", member_views.my_ticket_new, name="my-ticket-new"),
    path("<str:number>/", member_views.my_ticket, name="my-ticket"),
    path("<str:number>/reply/", member_views.my_ticket_reply, name="my-ticket-reply"),
]
