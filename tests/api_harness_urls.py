"""A URLconf for tests of the reusable API pieces (idempotency) before a real create needs them:
the project's URLs plus a small create view that writes a real row."""

import time

from django.urls import path
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ConnectionPlan
from okbnet_portal.api.idempotency import idempotent
from okbnet_portal.urls import urlpatterns as project_urlpatterns


class PlanInput(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    pause = serializers.FloatField(default=0, max_value=2)


class PlanCreateView(APIView):
    @idempotent
    def post(self, request):
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        time.sleep(data.validated_data["pause"])  # widens the window for the concurrency test
        plan = ConnectionPlan.objects.create(
            code=data.validated_data["code"],
            name="試験",
            name_en="Test",
            line_type="fibre",
            ip_type="dynamic",
            monthly_fee=1000,
        )
        return Response({"id": plan.pk, "code": plan.code}, status=status.HTTP_201_CREATED)


urlpatterns = [path("api/v1/test-plans/", PlanCreateView.as_view()), *project_urlpatterns]
