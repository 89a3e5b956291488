"""The project's URLs plus the baseline of bench_api: a bare values() + JsonResponse ticket list."""

from django.http import JsonResponse
from django.urls import path

from okbnet_portal.urls import urlpatterns as project_urlpatterns
from support.models import Ticket
from support.selectors import TICKET_ROW_FIELDS


def bare_ticket_list(request):
    rows = list(Ticket.objects.values(*TICKET_ROW_FIELDS).order_by("-created_at", "-id")[:100])
    return JsonResponse({"results": rows})


urlpatterns = [path("bench/tickets/", bare_ticket_list), *project_urlpatterns]
