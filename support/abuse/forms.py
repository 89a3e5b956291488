from django import forms
from django.utils.translation import gettext_lazy as _

from network.forms import AddressAtForm
from support.models import EnforcementAction, Ticket


class SpamReportForm(AddressAtForm):
    reporter = forms.CharField(
        label=_("Reporter"), max_length=200, help_text=_("The address or organisation that sent the report.")
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Paste the headers or log lines as received."),
    )


class EnforcementForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect, choices=())
    reason = forms.CharField(
        label=_("Reason (the member reads this)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what was found and what the member must do. Internal remarks go on the ticket."),
    )
    evidence = forms.CharField(
        label=_("Evidence ticket number"),
        required=False,
        max_length=20,
        help_text=_("Required to suspend or cancel, e.g. T-2026-000123."),
    )

    def __init__(self, *args, member, **kwargs):
        from .services import allowed_actions

        super().__init__(*args, **kwargs)
        self.member = member
        labels = dict(EnforcementAction.Action.choices)
        self.fields["action"].choices = [(a, labels[a]) for a in allowed_actions(member)]

    def clean_evidence(self):
        number = self.cleaned_data["evidence"].strip()
        if not number:
            return None
        ticket = Ticket.objects.filter(number=number, member=self.member).first()
        if ticket is None:
            raise forms.ValidationError(_("No ticket with this number is about this member."))
        return ticket
