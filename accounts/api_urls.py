from django.urls import path

from . import api

urlpatterns = [
    path("plans/", api.PlanListView.as_view(), name="api-plans"),
    path("members/", api.MemberListView.as_view(), name="api-members"),
    # `path:` so that any value (even one with a slash) reaches the view and gets the JSON 404.
    path("members/<path:member_number>/", api.MemberDetailView.as_view(), name="api-member"),
    path("plan-change-requests/", api.PlanChangeCreateView.as_view(), name="api-plan-change-requests"),
    path("plan-change-requests/<int:pk>/", api.PlanChangeDetailView.as_view(), name="api-plan-change-request"),
]
