from django.urls import path

from . import abuse_views

app_name = "abuse"
urlpatterns = [
    path("", abuse_views.desk, name="desk"),
    path("reports/", abuse_views.report_list, name="reports"),
    path("reports/new/", abuse_views.report_new, name="report-new"),
    path("members/<str:member_number>/", abuse_views.member_page, name="member"),
]
