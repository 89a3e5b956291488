"""Staff screens of the abuse desk under /staff/abuse/: thin, every write through support.abuse.services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Member
from okbnet_portal.decorators import staff_required
from okbnet_portal.errors import ApplicationError, form_add_error
from support.models import EnforcementAction, SpamReport

from . import services as abuse
from .forms import EnforcementForm, SpamReportForm

PAGE_SIZE = 25


@staff_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    """File a spam report; the desk lands on the member who held the address."""
    initial = {k: request.GET[k] for k in ("address", "at") if k in request.GET}
    form = SpamReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = abuse.spam_report_file(
            source_ip=data["address"],
            seen_at=data["at"],
            evidence=data["evidence"],
            reporter=data["reporter"],
            by=request.user,
        )
        if report.member is None:
            messages.warning(
                request,
                _("Nobody held %(ip)s at that time. Ticket %(ticket)s was opened for a person to look at.")
                % {"ip": report.source_ip, "ticket": report.ticket.number},
            )
            return redirect("abuse:reports")
        messages.success(
            request,
            _("Ticket %(ticket)s opened: %(ip)s was held by this member.")
            % {"ticket": report.ticket.number, "ip": report.source_ip},
        )
        url = reverse("abuse:member", args=[report.member.member_number])
        return redirect(f"{url}?evidence={report.ticket.number}")
    return render(
        request,
        "support/abuse/report_new.html",
        {"form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_required
@require_GET
def report_list(request):
    reports = SpamReport.objects.select_related("member", "ticket")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/abuse/report_list.html", {"page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def member_page(request, member_number: str):
    """A member as the abuse desk sees them: status, reports, the audit trail, and the actions allowed."""
    member = get_object_or_404(Member.objects.select_related("plan"), member_number=member_number)
    form = EnforcementForm(request.POST or None, member=member, initial={"evidence": request.GET.get("evidence", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action = abuse.member_enforce(
                    member=member,
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                    evidence_ticket=form.cleaned_data["evidence"],
                    by=request.user,
                )
            except ApplicationError as exc:  # bad input, or the transition map said no
                form_add_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(action)s done. Ticket %(ticket)s records it and the member is being e-mailed.")
                    % {"action": action.get_action_display(), "ticket": action.ticket.number},
                )
                return redirect("abuse:member", member_number=member.member_number)
        status = 400
    context = {
        "member": member,
        "form": form,
        "reports": SpamReport.objects.filter(member=member).select_related("ticket")[:20],
        "actions": EnforcementAction.objects.filter(member=member).select_related("ticket", "evidence_ticket"),
    }
    return render(request, "support/abuse/member.html", context, status=status)
