"""URLs of the abuse desk, as named lists the root URL module mounts."""

from django.urls import path

from . import api, views

# /staff/abuse/ (namespace "abuse")
staff_urls = [
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_new, name="report-new"),
    path("members/<str:member_number>/", views.member_page, name="member"),
]

# /api/v1/
api_urls = [
    path("spam-reports/", api.SpamReportListCreate.as_view(), name="api-spam-reports"),
    path("spam-reports/<int:pk>/", api.SpamReportDetail.as_view(), name="api-spam-report"),
]
