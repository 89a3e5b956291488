from django.urls import path

from . import api

urlpatterns = [
    path("op25b/verdict/", api.VerdictView.as_view(), name="api-verdict"),
]
