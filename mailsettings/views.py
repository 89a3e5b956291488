from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import member_for_user
from okbnet_portal import counters

from . import autoconfig, diagnose, dnscheck, guides, selectors, services
from .forms import DiagnoseForm, QuickCheckForm
from .models import DnsCheck
from .route import mail_route

REFRESH_HEADER = "X-OKBNET-Refresh"


@require_GET
def home(request):
    return render(request, "mailsettings/home.html")


def _answers(request, *, without=()) -> dict[str, str]:
    return {
        name: value
        for name, value in request.GET.items()
        if name in QuickCheckForm.base_fields and name not in without and value
    }


def _member_or_none(request):
    if not request.user.is_authenticated:
        return None
    try:
        return member_for_user(request.user)
    except Http404:
        return None  # staff


@require_GET
def check(request):
    """The quick check: anyone, no login. A GET form, so a result can be bookmarked or shared.
    `?edit=1` shows the form again with the answers kept (the way back from an answer)."""
    editing = "edit" in request.GET
    submitted = not editing and any(name in request.GET for name in QuickCheckForm.base_fields)
    form = QuickCheckForm(initial=_answers(request)) if editing else QuickCheckForm(request.GET if submitted else None)
    verdict = provider = own_domain_facts = None
    routes, rendered_guides, back_url = [], [], ""
    if submitted and form.is_valid():
        inputs = form.inputs
        # The page updates itself once a provider check is done (static/js/provider_check.js):
        # that second look is not a second verdict asked for.
        verdict, provider_facts = services.verdict_give(
            inputs, counted=REFRESH_HEADER not in request.headers, client=request.META.get("REMOTE_ADDR", "")
        )
        provider = selectors.provider_check(inputs, verdict, provider_facts)
        member = _member_or_none(request)
        verdict = guides.for_member(verdict, inputs, member)
        routes = mail_route(inputs, verdict)
        rendered_guides = guides.render_guides(guides.guide_settings(inputs, verdict), inputs.mail_client)
        own_domain = selectors.own_domain_of(inputs.okbnet_address)
        if own_domain:
            own_domain_facts = selectors.dns_facts(domain=own_domain, kind=DnsCheck.Kind.OWN_DOMAIN)
        without = ("port",) if verdict["rule"] == "R4" else ()
        back_url = f"{reverse('check')}?{urlencode({**_answers(request, without=without), 'edit': '1'})}"
        back_url += "#field-port" if without else ""
    return render(
        request,
        "mailsettings/check.html",
        {
            "form": form,
            "verdict": verdict,
            "routes": routes,
            "guides": rendered_guides,
            "selected_guide": next((g for g in rendered_guides if g["selected"]), None),
            "back_url": back_url,
            "provider": provider,
            "dns": own_domain_facts,
            "diagnose_form": DiagnoseForm(initial={"mail_client": form.inputs.mail_client if verdict else ""}),
            "diagnose_action": reverse("check-diagnose"),
        },
        status=400 if submitted and not form.is_valid() else 200,
    )


@require_GET
def provider_check(request):
    """Whether a look-up of a provider (DNS check, submission probe) is still running: the
    pages poll it and reload their answer when it is done. Reads stored results only."""
    domain, host = request.GET.get("domain", "")[:254], request.GET.get("host", "")[:254]
    facts = services.provider_submission_lookup(domain=domain, host=host, start=False)
    response = JsonResponse({"pending": facts["pending"], "source": facts["source"]})
    response["Cache-Control"] = "no-store"
    return response


def diagnose_page(request, *, action: str, setup=None, mail_client: str = ""):
    """The error-message decoder's page (DESIGN §7b), for anyone (/check/diagnose/) and for a saved
    setup. A POST, so the pasted text (mail addresses, names) stays out of URLs and access logs."""
    result, status = None, 200
    if request.method == "POST":
        form = DiagnoseForm(request.POST)
        if form.is_valid():
            result = diagnose.for_page(diagnose.diagnose(form.text, mail_client=form.client))
        else:
            status = 400
    else:
        form = DiagnoseForm(initial={"mail_client": mail_client})
    context = {"diagnose_form": form, "diagnose_action": action, "result": result, "setup": setup}
    return render(request, "mailsettings/diagnose.html", context, status=status)


@require_http_methods(["GET", "POST"])
def check_diagnose(request):
    return diagnose_page(request, action=reverse("check-diagnose"), mail_client=request.GET.get("mail_client", ""))


def _kind_and_domain(data) -> tuple[str, str] | None:
    kind, domain = data.get("kind", ""), data.get("domain", "")
    if kind not in DnsCheck.Kind.values or not domain:
        return None
    try:
        dnscheck.to_ascii(domain)
    except dnscheck.InvalidDomain:
        return None
    return kind, domain


@require_GET
def dns_facts(request):
    """The DNS facts of one domain as an HTML fragment (the page polls it while a check runs)."""
    parsed = _kind_and_domain(request.GET)
    if parsed is None:
        return HttpResponseBadRequest()
    facts = selectors.dns_facts(domain=parsed[1], kind=parsed[0])
    return render(request, "mailsettings/_dns_facts.html", {"dns": facts, "next": request.GET.get("next", "")})


def _within_client_limit(request) -> bool:
    """Anyone may ask for checks: at most OKBNET_DNS_CHECKS_PER_CLIENT_HOUR per client address."""
    key = f"okbnet:dns-recheck:{request.META.get('REMOTE_ADDR', '')}"
    return counters.count(key, timeout=3600) <= settings.OKBNET_DNS_CHECKS_PER_CLIENT_HOUR


@require_POST
def dns_recheck(request):
    """“Check now” / “check again”: queue a DNS check (rate-limited per domain), back to the page."""
    parsed = _kind_and_domain(request.POST)
    if parsed is None:
        return HttpResponseBadRequest()
    kind, domain = parsed
    try:
        if not _within_client_limit(request):
            messages.error(request, _("Too many DNS checks from your connection. Please try again later."))
        else:
            services.dns_check_request(domain=domain, kind=kind, force=True)
            messages.success(request, _("The DNS check has started. The result appears below in a few seconds."))
    except services.RecheckTooSoon as exc:
        messages.error(
            request,
            _("This domain was checked a moment ago. Try again in %(seconds)s seconds.") % {"seconds": exc.retry_after},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/check/"
    return redirect(f"{target}#dns-facts")


@require_GET
def thunderbird_autoconfig(request):
    """Thunderbird autoconfig for OKBNET addresses (okbnet.ne.jp and hosted own domains); 404 for
    anything else, so the client falls back to its other methods."""
    domain = autoconfig.domain_of(request.GET.get("emailaddress", ""))
    if domain is None:
        host = request.get_host().split(":", 1)[0].lower()
        domain = host.removeprefix("autoconfig.") if host.startswith("autoconfig.") else None
    if not domain or not autoconfig.is_okbnet_domain(domain):
        raise Http404("Not an OKBNET mail domain")
    response = HttpResponse(autoconfig.thunderbird_config(domain), content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
