from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import member_for_user
from okbnet_portal import counters

from . import autoconfig, dnscheck, guides, op25b, selectors, services
from .forms import QuickCheckForm
from .models import DnsCheck
from .route import mail_route


@require_GET
def home(request):
    return render(request, "mailsettings/home.html", {"table": op25b.TABLE})


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
    verdict = provider_facts = own_domain_facts = None
    routes, rendered_guides, back_url = [], [], ""
    if submitted and form.is_valid():
        inputs = form.inputs
        verdict, provider_facts = services.verdict_give(inputs, counted=True)
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
            "table": op25b.TABLE,
            "provider_facts": provider_facts,
            "provider_source_text": selectors.provider_source_text(verdict["provider_submission_source"])
            if verdict
            else "",
            "dns": own_domain_facts,
        },
        status=400 if submitted and not form.is_valid() else 200,
    )


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
