from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from mailsettings import views as mail_views

api_v1 = [
    path("", include("mailsettings.api_urls")),
    path("", include("network.api_urls")),
    path("", include("support.abuse_api_urls")),
]

urlpatterns = [
    path("", mail_views.home, name="home"),
    path("check/", mail_views.check, name="check"),
    path("check/dns/", mail_views.dns_facts, name="dns-facts"),
    path("check/dns/recheck/", mail_views.dns_recheck, name="dns-recheck"),
    path("mypage/plan/", include("accounts.plan_urls")),
    path("staff/", include("support.urls")),
    path("admin/", admin.site.urls),
    # Until the accounts pages land: Django's log-in views (names "login", "logout", …).
    path("accounts/", include("django.contrib.auth.urls")),
    path("staff/network/", include("network.staff_urls")),
    path("staff/abuse/", include("support.abuse_urls")),
    path("network/", include("network.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Django's log-in views until the members' own log-in pages land (issue 3).
    path("accounts/", include("django.contrib.auth.urls")),
]
