from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("sessions/import/", views.session_import, name="session-import"),
    path("sessions/import/<int:pk>/", views.session_import_detail, name="session-import-detail"),
    path("lookup/", views.address_lookup, name="address-lookup"),
    path("spf/check/", views.spf_check, name="spf-check"),
]
