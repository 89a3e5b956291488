from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from mailsettings import services as mail_services
from mailsettings.selectors import mail_setups_with_verdicts, member_own_domain_panel, own_domain_of
from network import provisioning
from okbnet_portal.errors import ApplicationError, form_add_error
from support.selectors import member_tickets

from . import services
from .forms import ActivationForm, ConnectionPasswordForm, MemberLoginForm, QueuedPasswordResetForm
from .models import Member
from .selectors import member_for_user


class LoginView(auth_views.LoginView):
    form_class = MemberLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Members go to My page; staff, who have no member page, to the support dashboard."""
        user = self.request.user
        if user.is_staff and not Member.objects.filter(user=user).exists():
            return resolve_url("staff-dashboard")
        return super().get_default_redirect_url()


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()  # POST only (Django 5)
# Template names under accounts/: django.contrib.admin (installed first) ships registration/password_reset_*.
password_reset_view = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="accounts/password_reset_form.html",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm_view = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("password_reset_complete")
)
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


@sensitive_post_parameters("activation_code", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def activate(request):
    """First log-in from the contract document: member number, connection user name, code."""
    form = ActivationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.member_activate(
                    member_number=form.cleaned_data["member_number"],
                    connection_username=form.cleaned_data["connection_username"],
                    activation_code=form.cleaned_data["activation_code"],
                    password=form.cleaned_data["new_password1"],
                    client_address=get_client_ip_address(request) or "",
                )
            except services.ActivationError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_error("new_password1", exc)
            else:
                login(request, user, backend="accounts.backends.MemberLoginBackend")
                return redirect("mypage")
    return render(request, "accounts/activate.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def mypage(request):
    """The member's own page. Sections are built here and rendered in clear template blocks."""
    member = member_for_user(request.user)
    mail_services.own_domain_keep_checked(domain=own_domain_of(member.mail_address))
    plan_requests = list(member.plan_change_requests.select_related("target_plan", "ticket")[:5])
    context = {
        "member": member,
        "setups": mail_setups_with_verdicts(member),
        "plan_requests": plan_requests,
        # At most one request is open, and it is the newest.
        "can_change_plan": services.plan_change_offered(
            member=member, open_request=plan_requests[0] if plan_requests else None
        ),
        "tickets": list(member_tickets(member=member)[:5]),
        "own_domain": member_own_domain_panel(member),
    }
    return render(request, "accounts/mypage.html", context)


@login_required
@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def connection_password(request):
    """The member sets a new connection (PPPoE) password; the router must then be given it."""
    member = member_for_user(request.user)
    form = ConnectionPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                provisioning.member_connection_password_set(member=member, password=form.cleaned_data["password"])
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your connection password is changed. Enter the new one in your router's connection settings now."
                    ),
                )
                return redirect("mypage")
    return render(request, "accounts/connection_password.html", {"form": form, "member": member}, status=status)
