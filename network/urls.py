from django.urls import path

from . import views

app_name = "ranges"
urlpatterns = [
    path("dynamic-ranges.txt", views.dynamic_ranges_text, name="dynamic-ranges-txt"),
    path("dynamic-ranges.csv", views.dynamic_ranges_csv, name="dynamic-ranges-csv"),
]
