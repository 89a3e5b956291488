"""The member's saved mail setups: every fetch goes through selectors.get_mail_setup_for_member."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import member_for_user

from . import autoconfig, guides, selectors, services
from .forms import DiagnoseForm, MailSetupForm
from .models import DnsCheck
from .route import mail_route
from .selectors import get_mail_setup_for_member
from .views import diagnose_page


def _form_page(request, form, setup=None, status=200):
    return render(request, "mailsettings/setup_form.html", {"form": form, "setup": setup}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def setup_new(request):
    member = member_for_user(request.user)
    if request.method == "POST":
        form = MailSetupForm(request.POST, member=member)
        if form.is_valid():
            setup = services.mail_setup_create(member=member, data=form.setup_data())
            messages.success(request, _("The setup was saved."))
            return redirect("mail-setup", setup_id=setup.id)
        return _form_page(request, form, status=400)
    form = MailSetupForm(member=member, initial={"okbnet_address": member.mail_address})
    return _form_page(request, form)


@login_required
@require_http_methods(["GET"])
def setup_detail(request, setup_id: int):
    member = member_for_user(request.user)
    setup = get_mail_setup_for_member(member, setup_id)
    inputs = services.setup_inputs(setup)
    verdict, provider_facts = services.verdict_give(inputs, counted=False, client=request.META.get("REMOTE_ADDR", ""))
    verdict = guides.for_member(verdict, inputs, member)
    own_domain = selectors.own_domain_of(inputs.okbnet_address)
    context = {
        "setup": setup,
        "member": member,
        "verdict": verdict,
        "routes": mail_route(inputs, verdict),
        "guides": guides.render_guides(guides.guide_settings(inputs, verdict), setup.mail_program),
        # The DNS facts behind the advice, as on /check/.
        "provider": selectors.provider_check(inputs, verdict, provider_facts),
        "dns": selectors.dns_facts(domain=own_domain, kind=DnsCheck.Kind.OWN_DOMAIN) if own_domain else None,
        "diagnose_form": DiagnoseForm(initial={"mail_client": setup.mail_program}),
        "diagnose_action": reverse("mail-setup-diagnose", args=[setup.id]),
    }
    return render(request, "mailsettings/setup_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def setup_edit(request, setup_id: int):
    member = member_for_user(request.user)
    setup = get_mail_setup_for_member(member, setup_id)
    if request.method == "POST":
        form = MailSetupForm(request.POST, member=member)
        if form.is_valid():
            services.mail_setup_update(setup=setup, data=form.setup_data())
            messages.success(request, _("The setup was saved."))
            return redirect("mail-setup", setup_id=setup.id)
        return _form_page(request, form, setup, status=400)
    return _form_page(request, MailSetupForm(member=member, initial=MailSetupForm.initial_from(setup)), setup)


@login_required
@require_http_methods(["GET", "POST"])
def setup_diagnose(request, setup_id: int):
    """The error-message decoder from a saved setup: its mail program comes first."""
    member = member_for_user(request.user)
    setup = get_mail_setup_for_member(member, setup_id)
    action = reverse("mail-setup-diagnose", args=[setup.id])
    return diagnose_page(request, action=action, setup=setup, mail_client=setup.mail_program)


@login_required
@require_POST
def setup_delete(request, setup_id: int):
    member = member_for_user(request.user)
    setup = get_mail_setup_for_member(member, setup_id)
    services.mail_setup_delete(setup=setup)
    messages.success(request, _("The setup was deleted."))
    return redirect("mypage")


@login_required
@require_http_methods(["GET"])
def setup_mobileconfig(request, setup_id: int):
    member = member_for_user(request.user)
    setup = get_mail_setup_for_member(member, setup_id)
    if not (setup.okbnet_address or member.mail_address):
        raise Http404("No OKBNET address to configure")
    body = autoconfig.apple_mobileconfig(setup, username=member.connection_username)
    response = HttpResponse(body, content_type="application/x-apple-aspen-config")
    response["Content-Disposition"] = f'attachment; filename="okbnet-mail-{setup.id}.mobileconfig"'
    response["Cache-Control"] = "private, no-store"
    return response
