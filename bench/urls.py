from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    """The baseline: a plain Django view returning a small JSON object."""
    return JsonResponse({"verdict": "not_affected", "rule": "R1"})


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("okbnet_portal.urls")),
]
