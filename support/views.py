"""Staff screens under /staff/: dashboard, ticket list, ticket page with actions. Thin: they
call support.selectors for reads and the services for every write."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts import services as plan_changes
from accounts.models import PlanChangeRequest
from mailsettings import op25b
from mailsettings import selectors as mail_selectors
from mailsettings import services as mail_services
from network import selectors as network_selectors
from okbnet_portal.decorators import staff_required
from okbnet_portal.errors import ApplicationError, error_messages

from . import canned, selectors, services, sla
from .filters import TicketFilter
from .models import CannedReply, Ticket

PAGE_SIZE = 25


class TicketFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Ticket number, subject, member number, name, kana, user name, e-mail or phone"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("open_any", _("Not resolved")), *Ticket.Status.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any")), *Ticket.Category.choices]
    )
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Unassigned")),
            ("attention", _("Needs a person")),
            ("waiting", _("Waiting on staff")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("-updated", _("Recently updated")),
            ("-priority", _("Highest priority")),
            ("due", _("Least time left")),
            ("status", _("Status")),
        ],
    )


def _bars(values: list[tuple[str, int]], *, width: int = 560, height: int = 120) -> dict:
    """Geometry of a small SVG bar chart (drawn in the template, no JavaScript)."""
    top = max((v for _k, v in values), default=0) or 1
    step = width / max(len(values), 1)
    bars = []
    for i, (label, value) in enumerate(values):
        h = round(value / top * (height - 20))
        bars.append(
            {
                "x": round(i * step + 2),
                "y": height - h,
                "w": max(round(step - 4), 2),
                "h": h,
                "label": label,
                "value": value,
            }
        )
    return {"bars": bars, "width": width, "height": height, "max": top}


@staff_required
@require_GET
def dashboard(request):
    mail_services.own_domain_keep_checked(domain=settings.OKBNET_MAIL_DOMAIN)
    data = selectors.dashboard()
    per_day = [(d.strftime("%m/%d"), n) for d, n in data["requests_per_day"]]
    verdict_top = max(data["verdicts"].values(), default=0) or 1
    verdicts = [
        {"code": code, "label": op25b.VERDICT_LABELS[code], "value": n, "percent": round(n / verdict_top * 100)}
        for code, n in sorted(data["verdicts"].items())
    ]
    return render(
        request,
        "support/dashboard.html",
        {
            **data,
            "chart": _bars(per_day),
            "verdict_bars": verdicts,
            "spf": network_selectors.spf_status(),
            # OKBNET's own mail domain, checked against live DNS like a member's (SPF, SRV, autoconfig …).
            "own_domain": mail_selectors.own_domain_panel(settings.OKBNET_MAIL_DOMAIN),
        },
    )


@staff_required
@require_GET
def ticket_list(request):
    form = TicketFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tickets = TicketFilter(_filter_params(filters, request.user), queryset=selectors.staff_tickets()).qs
    if filters.get("sort") == "due":
        tickets = selectors.by_time_left(tickets)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    query_without_sort = urlencode({k: v for k, v in filters.items() if v and k != "sort"})
    now = timezone.now()
    rows = [(t, sla.clock(t, now=now)) for t in page]
    return render(
        request,
        "support/ticket_list.html",
        {"form": form, "page": page, "rows": rows, "query": query, "query_without_sort": query_without_sort},
    )


def _filter_params(filters: dict, user) -> QueryDict:
    """The staff form's choices as the query parameters of the one ticket filter."""
    sort = filters.get("sort") or "-created"
    params = {"q": filters.get("q", ""), "ordering": "-created" if sort == "due" else sort}
    status = filters.get("status", "")
    if status == "open_any":
        params["open"] = "true"
    elif status:
        params["status"] = status
    if filters.get("category"):
        params["category"] = filters["category"]
    assignee = filters.get("assignee", "")
    if assignee == "me":
        params["assignee"] = user.get_username()
    elif assignee == "none":
        params["assignee"] = "none"
    elif assignee == "attention":
        params["needs_attention"] = "true"
    elif assignee == "waiting":
        params.update(awaiting_staff="true", open="true")
    query = QueryDict(mutable=True)
    query.update(params)
    return query


class ActionForm(forms.Form):
    ACTIONS = ("assign", "status", "priority", "reply", "note", "retry")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    assignee = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=Ticket.Status.choices)
    priority = forms.TypedChoiceField(required=False, coerce=int, choices=Ticket.Priority.choices)
    body = forms.CharField(required=False, widget=forms.Textarea)
    request_id = forms.IntegerField(required=False)


def _get_ticket(number: str) -> Ticket:
    ticket = selectors.ticket_detail(number=number)
    if ticket is None:
        raise Http404
    return ticket


def _reply_draft(request, ticket: Ticket) -> tuple[str, str]:
    """The reply box's text: a canned reply filled for this ticket's member, when one was chosen."""
    choice = request.GET.get("canned", "")
    reply_id, _sep, language = choice.partition(":")
    if not reply_id.isdigit():
        return "", ""
    reply = CannedReply.objects.filter(pk=int(reply_id), is_active=True).first()
    if reply is None:
        return "", ""
    language = "en" if language == "en" else "ja"
    return canned.canned_reply_text(reply=reply, ticket=ticket, language=language), choice


@staff_required
@require_GET
def ticket_detail(request, number: str):
    ticket = _get_ticket(number)
    member = ticket.member
    if member:
        mail_services.own_domain_keep_checked(domain=mail_selectors.own_domain_of(member.mail_address))
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
    draft, chosen = _reply_draft(request, ticket)
    return render(
        request,
        "support/ticket_detail.html",
        {
            "ticket": ticket,
            **(selectors.member_summary(member) if member else {"member": None}),
            "clock": sla.clock(ticket),
            "canned_replies": canned.canned_replies_for(ticket),
            "canned_chosen": chosen,
            "draft": draft,
            "placeholders": canned.PLACEHOLDERS,
            "events": ticket.events.select_related("actor_user"),
            "staff": staff,
            "transitions": [(s, label) for s, label in Ticket.Status.choices if s in Ticket.TRANSITIONS[ticket.status]],
            "priorities": Ticket.Priority.choices,
            "own_domain": mail_selectors.member_own_domain_panel(member) if member else None,
        },
    )


@staff_required
@require_POST
def ticket_action(request, number: str):
    ticket = _get_ticket(number)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That action could not be read."))
        return redirect("staff-ticket", number=number)
    data, by, action = form.cleaned_data, request.user, form.cleaned_data["action"]
    try:
        if action == "assign":
            assignee = get_user_model().objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
            services.ticket_assign(ticket=ticket, assignee=assignee, by=by)
        elif action == "status":
            services.ticket_change_status(ticket=ticket, status=data["status"], by=by)
        elif action == "priority":
            services.ticket_set_priority(ticket=ticket, priority=data["priority"], by=by)
        elif action in ("reply", "note"):
            services.ticket_comment(ticket=ticket, body=data["body"], public=action == "reply", by=by)
        elif action == "retry":
            plan_change = PlanChangeRequest.objects.filter(pk=data["request_id"], member=ticket.member).first()
            if plan_change is None:
                raise Http404
            plan_changes.plan_change_retry(request=plan_change, by=by)
    except ApplicationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, _("Saved."))
    return redirect("staff-ticket", number=number)
