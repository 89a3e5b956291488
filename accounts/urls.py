"""/accounts/: log-in by connection user name or e-mail, log-out (POST), password reset, activation."""

from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password_reset/", views.password_reset_view, name="password_reset"),
    path("password_reset/done/", views.password_reset_done_view, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm_view, name="password_reset_confirm"),
    path("reset/done/", views.password_reset_complete_view, name="password_reset_complete"),
    path("activate/", views.activate, name="activate"),
]
