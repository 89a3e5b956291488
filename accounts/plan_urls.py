from django.urls import path

from . import plan_views

urlpatterns = [
    path("fixed-ip/", plan_views.fixed_ip, name="plan-fixed-ip"),
    path("fixed-ip/requests/<int:request_id>/status/", plan_views.fixed_ip_status, name="plan-fixed-ip-status"),
    path("fixed-ip/requests/<int:request_id>/cancel/", plan_views.fixed_ip_cancel, name="plan-fixed-ip-cancel"),
]
