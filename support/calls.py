"""Staff: the caller look-up the phone system opens (/staff/calls/?number=…) and the new-ticket
form (/staff/tickets/new/) an agent fills while the caller talks.

One member with that number: their screen. Several: the list to choose from. None: a new ticket
with the number written into it, so the call is not lost.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors as member_selectors
from accounts.models import Member
from okbnet_portal.decorators import staff_required
from okbnet_portal.errors import ApplicationError, form_add_error

from . import services
from .models import Ticket


@staff_required
@require_GET
def caller_lookup(request):
    number = request.GET.get("number", "").strip()[:40]
    rows = list(member_selectors.member_phone_search(member_selectors.member_rows(), number)[:50]) if number else []
    if len(rows) == 1:
        return redirect("staff-member", member_number=rows[0]["member_number"])
    if not rows:
        url = reverse("staff-ticket-new")
        return redirect(f"{url}?{urlencode({'phone': number})}" if number else url)
    return render(request, "support/caller_list.html", {"number": number, "rows": rows})


class NewTicketForm(forms.Form):
    member_number = forms.CharField(
        label=_("Member number"), max_length=20, required=False, help_text=_("Empty when the caller is not known.")
    )
    phone = forms.CharField(label=_("Caller's phone number"), max_length=40, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Ticket.Category.choices)
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Ticket.Priority.choices, initial=Ticket.Priority.NORMAL
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("What the caller said"), widget=forms.Textarea(attrs={"rows": 5}))

    def clean_member_number(self):
        number = self.cleaned_data["member_number"].strip()
        if not number:
            return None
        member = Member.objects.filter(member_number=number).first()
        if member is None:
            raise forms.ValidationError(_("No member has this number."))
        return member


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    initial = {k: request.GET[k] for k in ("member_number", "phone") if k in request.GET}
    form = NewTicketForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        description = data["description"]
        if data["phone"]:
            label = gettext("Caller's phone number")
            description = f"{description}\n\n{label}: {data['phone']}"
        try:
            ticket = services.ticket_open(
                member=data["member_number"],
                category=data["category"],
                subject=data["subject"],
                description=description,
                priority=data["priority"],
                by=request.user,
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Ticket %(ticket)s opened.") % {"ticket": ticket.number})
            return redirect("staff-ticket", number=ticket.number)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "support/ticket_new.html", {"form": form}, status=status)
