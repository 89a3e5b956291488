"""The map of the site: each app's named URL lists, mounted under their prefixes."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import urls as accounts
from mailsettings import urls as mailsettings
from network import urls as network
from support import urls as support
from support.abuse import urls as abuse

api_v1 = [*mailsettings.api_urls, *network.api_urls, *abuse.api_urls, *accounts.api_urls, *support.api_urls]

urlpatterns = [
    # Anyone
    path("", include(mailsettings.public_urls)),
    path("network/", include((network.public_urls, "ranges"))),
    path("accounts/", include(accounts.auth_urls)),
    # Members
    path("mypage/", include(accounts.mypage_urls)),
    path("mypage/mail/", include(mailsettings.member_urls)),
    path("mypage/tickets/", include(support.member_urls)),
    # Staff
    path("staff/", include(support.staff_urls)),
    path("staff/network/", include((network.staff_urls, "network"))),
    path("staff/abuse/", include((abuse.staff_urls, "abuse"))),
    path("admin/", admin.site.urls),
    # The call-center API
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "okbnet_portal.api.errors.not_found"
