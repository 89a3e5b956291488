"""/mypage/mail/: the member's saved mail setups."""

from django.urls import path

from . import member_views

urlpatterns = [
    path("new/", member_views.setup_new, name="mail-setup-new"),
    path("<int:setup_id>/", member_views.setup_detail, name="mail-setup"),
    path("<int:setup_id>/edit/", member_views.setup_edit, name="mail-setup-edit"),
    path("<int:setup_id>/delete/", member_views.setup_delete, name="mail-setup-delete"),
    path("<int:setup_id>/okbnet.mobileconfig", member_views.setup_mobileconfig, name="mail-setup-mobileconfig"),
]
