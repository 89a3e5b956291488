from django.urls import path

from . import api as abuse_api

urlpatterns = [
    path("spam-reports/", abuse_api.SpamReportListCreate.as_view(), name="api-spam-reports"),
    path("spam-reports/<int:pk>/", abuse_api.SpamReportDetail.as_view(), name="api-spam-report"),
]
