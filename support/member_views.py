"""/mypage/tickets/: a member's own tickets, the public replies (internal notes stay hidden),
a new inquiry and their answers. Every ticket is fetched through selectors.member_ticket: another
member's ticket number is a 404, for reading and for replying."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import member_for_user
from okbnet_portal.errors import ApplicationError, form_add_error

from . import selectors, services
from .models import Ticket

# What a member may ask about (spam reports and enforcement are opened by OKBNET).
MEMBER_CATEGORIES = [Ticket.Category.OP25B, Ticket.Category.PLAN_CHANGE, Ticket.Category.OTHER]


class InquiryForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=[(c.value, c.label) for c in MEMBER_CATEGORIES])
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))


def _own_ticket(request, number: str) -> Ticket:
    ticket = selectors.member_ticket(member=member_for_user(request.user), number=number)
    if ticket is None:
        raise Http404
    return ticket


@login_required
@require_GET
def my_tickets(request):
    member = member_for_user(request.user)
    page = Paginator(selectors.member_tickets(member=member), 20).get_page(request.GET.get("page"))
    return render(request, "support/my_tickets.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def my_ticket_new(request):
    member = member_for_user(request.user)
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = services.ticket_open(
            member=member,
            category=data["category"],
            subject=data["subject"],
            description=data["body"],
            by=request.user,
            by_member=True,
        )
        messages.success(request, _("Thank you. Your inquiry %(ticket)s has been sent.") % {"ticket": ticket.number})
        return redirect("my-ticket", number=ticket.number)
    status = 400 if form.is_bound else 200
    return render(request, "support/my_ticket_new.html", {"form": form}, status=status)


def _render_ticket(request, ticket: Ticket, form: ReplyForm, status: int = 200):
    return render(
        request,
        "support/my_ticket.html",
        {"ticket": ticket, "events": ticket.events.public(), "form": form},
        status=status,
    )


@login_required
@require_GET
def my_ticket(request, number: str):
    return _render_ticket(request, _own_ticket(request, number), ReplyForm())


@login_required
@require_POST
def my_ticket_reply(request, number: str):
    ticket = _own_ticket(request, number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_member_reply(ticket=ticket, body=form.cleaned_data["body"], by=request.user)
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Your answer has been sent."))
            return redirect("my-ticket", number=ticket.number)
    return _render_ticket(request, ticket, form, status=400)
