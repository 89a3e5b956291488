"""URLs of mailsettings, as named lists the root URL module mounts."""

from django.urls import path

from . import api, member_views, views

# /: the OP25B page, the quick check and mail-client autoconfig (anyone, no log-in).
public_urls = [
    path("", views.home, name="home"),
    path("check/", views.check, name="check"),
    path("check/diagnose/", views.check_diagnose, name="check-diagnose"),
    path("check/dns/", views.dns_facts, name="dns-facts"),
    path("check/provider/", views.provider_check, name="provider-check"),
    path("check/dns/recheck/", views.dns_recheck, name="dns-recheck"),
    path(".well-known/autoconfig/mail/config-v1.1.xml", views.thunderbird_autoconfig, name="autoconfig"),
    path("mail/config-v1.1.xml", views.thunderbird_autoconfig, name="autoconfig-host"),
]

# /mypage/mail/: the member's saved mail setups.
member_urls = [
    path("new/", member_views.setup_new, name="mail-setup-new"),
    path("<int:setup_id>/", member_views.setup_detail, name="mail-setup"),
    path("<int:setup_id>/edit/", member_views.setup_edit, name="mail-setup-edit"),
    path("<int:setup_id>/diagnose/", member_views.setup_diagnose, name="mail-setup-diagnose"),
    path("<int:setup_id>/delete/", member_views.setup_delete, name="mail-setup-delete"),
    path("<int:setup_id>/okbnet.mobileconfig", member_views.setup_mobileconfig, name="mail-setup-mobileconfig"),
]

# /api/v1/
api_urls = [
    path("op25b/verdict/", api.VerdictView.as_view(), name="api-verdict"),
    path("op25b/diagnose/", api.DiagnoseView.as_view(), name="api-diagnose"),
]
