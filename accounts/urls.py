"""URLs of accounts, as named lists the root URL module mounts (healthchecks hc/front/urls.py)."""

from django.urls import path

from . import api, plan_views, views

# /accounts/: log-in by connection user name or e-mail, log-out (POST), password reset, activation.
auth_urls = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password_reset/", views.password_reset_view, name="password_reset"),
    path("password_reset/done/", views.password_reset_done_view, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm_view, name="password_reset_confirm"),
    path("reset/done/", views.password_reset_complete_view, name="password_reset_complete"),
    path("activate/", views.activate, name="activate"),
]

# /mypage/: the member's page and the fixed-IP plan change.
mypage_urls = [
    path("", views.mypage, name="mypage"),
    path("connection-password/", views.connection_password, name="connection-password"),
    path("plan/fixed-ip/", plan_views.fixed_ip, name="plan-fixed-ip"),
    path("plan/fixed-ip/requests/<int:request_id>/status/", plan_views.fixed_ip_status, name="plan-fixed-ip-status"),
    path("plan/fixed-ip/requests/<int:request_id>/cancel/", plan_views.fixed_ip_cancel, name="plan-fixed-ip-cancel"),
]

# /api/v1/
api_urls = [
    path("plans/", api.PlanListView.as_view(), name="api-plans"),
    path("members/", api.MemberListView.as_view(), name="api-members"),
    # `path:` so that any value (even one with a slash) reaches the view and gets the JSON 404.
    path("members/<path:member_number>/", api.MemberDetailView.as_view(), name="api-member"),
    path("plan-change-requests/", api.PlanChangeCreateView.as_view(), name="api-plan-change-requests"),
    path("plan-change-requests/<int:pk>/", api.PlanChangeDetailView.as_view(), name="api-plan-change-request"),
]
