from django.urls import path

from . import api

urlpatterns = [
    path("network/dynamic-ranges/", api.DynamicRangesView.as_view(), name="api-dynamic-ranges"),
]
