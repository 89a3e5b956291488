from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from mailsettings import views as mail_views

api_v1 = [
    path("", include("mailsettings.api_urls")),
    path("", include("network.api_urls")),
    path("", include("support.abuse_api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("support.api_urls")),
]

urlpatterns = [
    path("", mail_views.home, name="home"),
    path("check/", mail_views.check, name="check"),
    path("check/dns/", mail_views.dns_facts, name="dns-facts"),
    path("check/dns/recheck/", mail_views.dns_recheck, name="dns-recheck"),
    path("accounts/", include("accounts.urls")),
    path("mypage/", account_views.mypage, name="mypage"),
    path("mypage/mail/", include("mailsettings.member_urls")),
    path(".well-known/autoconfig/mail/config-v1.1.xml", mail_views.thunderbird_autoconfig, name="autoconfig"),
    path("mail/config-v1.1.xml", mail_views.thunderbird_autoconfig, name="autoconfig-host"),
    path("mypage/plan/", include("accounts.plan_urls")),
    path("mypage/tickets/", include("support.member_urls")),
    path("staff/", include("support.urls")),
    path("staff/network/", include("network.staff_urls")),
    path("staff/abuse/", include("support.abuse_urls")),
    path("network/", include("network.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "okbnet_portal.api.errors.bad_request"
handler404 = "okbnet_portal.api.errors.not_found"
