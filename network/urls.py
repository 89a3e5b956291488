"""URLs of network, as named lists the root URL module mounts."""

from django.urls import path

from . import api, views

# /network/ (namespace "ranges"): the carriers' list, public.
public_urls = [
    path("dynamic-ranges.txt", views.dynamic_ranges_text, name="dynamic-ranges-txt"),
    path("dynamic-ranges.csv", views.dynamic_ranges_csv, name="dynamic-ranges-csv"),
]

# /staff/network/ (namespace "network")
staff_urls = [
    path("sessions/import/", views.session_import, name="session-import"),
    path("sessions/import/<int:pk>/", views.session_import_detail, name="session-import-detail"),
    path("lookup/", views.address_lookup, name="address-lookup"),
    path("spf/check/", views.spf_check, name="spf-check"),
]

# /api/v1/
api_urls = [
    path("network/dynamic-ranges/", api.DynamicRangesView.as_view(), name="api-dynamic-ranges"),
]
