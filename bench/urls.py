from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    """The baseline: a plain Django view returning a small JSON object."""
    return JsonResponse({"verdict": "not_affected", "rule": "R1"})


def constant(request, size: int):
    """The baseline of bench_check: a constant HTML page of `size` bytes (no template, no query)."""
    return HttpResponse(b"." * size, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/constant/<int:size>/", constant),
    path("", include("okbnet_portal.urls")),
]
