from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from okbnet_portal.errors import InvalidInput, form_add_error

from . import diagnose, op25b, services
from .models import MailProgram

PORT_CHOICES = [
    ("587", _("587")),
    ("465", _("465")),
    ("25", _("25")),
    ("unknown", _("I don't know")),
]


class DescribedErrorsMixin:
    """Text inputs with an error are described by their help (when there is one) and the error
    next to them, so a screen reader reads both; radios get it on their fieldset (_fields.html)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not isinstance(self.fields[name].widget, forms.RadioSelect):
                bound = self[name]
                ids = ([f"{bound.auto_id}_helptext"] if self.fields[name].help_text else []) + [
                    f"{bound.auto_id}_errors"
                ]
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


class QuickCheckForm(DescribedErrorsMixin, forms.Form):
    """The quick check in plain words; services.clean_inputs() is the one validator."""

    ip_type = forms.ChoiceField(
        label=_("Which type of OKBNET plan do you have?"),
        choices=op25b.IpType.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Your contract document (承り書) says “fixed IP” if you have a fixed-IP plan. If it does not, choose dynamic."
        ),
    )
    sending_via = forms.ChoiceField(
        label=_("How do you send e-mail?"),
        choices=op25b.SendingVia.choices,
        widget=forms.RadioSelect,
    )
    port = forms.ChoiceField(
        label=_("Which port number does your mail program show for the outgoing (SMTP) server?"),
        choices=PORT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Outlook: File → Account Settings → Server Settings → Outgoing mail. "
            "Thunderbird: Settings → Account Settings → Outgoing Server (SMTP). "
            "iPhone: Settings → Apps → Mail → Mail Accounts → the account → SMTP. "
            "Not sure? Choose “I don't know”."
        ),
    )
    provider_submission = forms.ChoiceField(
        label=_("Does that provider accept port 587 or 465 for sending?"),
        choices=op25b.ProviderSubmission.choices,
        initial=op25b.ProviderSubmission.UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only for another provider's address. Its mail settings page usually says."),
    )
    provider_host = forms.CharField(
        label=_("That provider's outgoing server (optional)"),
        required=False,
        max_length=253,
        help_text=_("For example smtp.example.ne.jp, as shown in your mail program."),
    )
    provider_domain = forms.CharField(
        label=_("The domain of your address with that provider (optional)"),
        required=False,
        max_length=253,
        help_text=_(
            "The part after @, for example example.co.jp. If you do not know whether the provider "
            "accepts 587, we look it up in its DNS and in our list of common providers."
        ),
    )
    okbnet_address = forms.CharField(
        label=_("Your OKBNET mail address (optional)"),
        required=False,
        max_length=254,
        help_text=_("For example taro@okbnet.ne.jp, or your own domain hosted by OKBNET."),
    )
    mail_client = forms.ChoiceField(
        label=_("Which mail program do you use? (optional)"),
        choices=MailProgram.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("The answer then shows the steps for that program, with your values filled in."),
    )

    PROVIDER_FIELDS = ("provider_submission", "provider_host", "provider_domain")
    # Set by clean(): the domain of an "OKBNET address" that is another provider's.
    foreign_domain = ""

    def clean(self):
        data = dict(self.cleaned_data)
        if data.get("sending_via") in op25b.SENDERS_NEEDING_PORT and not data.get("port"):
            self.add_error("port", _("Choose the port number, or “I don't know”."))
            return self.cleaned_data
        data["port"] = None if data.get("port") in (None, "", "unknown") else data["port"]
        if data.get("provider_submission") in (None, ""):
            data["provider_submission"] = op25b.ProviderSubmission.UNKNOWN
        if data.get("sending_via") != op25b.SendingVia.OTHER_PROVIDER:
            for name in self.PROVIDER_FIELDS:
                data.pop(name, None)
        try:
            self.inputs = services.clean_inputs(data)
        except InvalidInput as exc:
            self.foreign_domain = getattr(exc, "foreign_domain", "")
            for name, messages in exc.errors.items():
                if name in self.errors:
                    continue  # the field's own error already says it: each error once
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return self.cleaned_data

    def other_provider_url(self) -> str:
        """The check again, with the address's domain as another provider's (the offer next to a
        non-OKBNET address)."""
        if not self.foreign_domain or not self.is_bound:
            return ""
        query = {name: value for name, value in self.data.items() if name in self.fields and value}
        query.update(sending_via=op25b.SendingVia.OTHER_PROVIDER, provider_domain=self.foreign_domain)
        query.pop("okbnet_address", None)
        return f"{reverse('check')}?{urlencode(query)}"


class MailSetupForm(QuickCheckForm):
    """A saved mail setup: the quick check's questions without ip_type (the plan decides it),
    plus a name, the mail program, and the other provider's mail domain."""

    label = forms.CharField(
        label=_("A name for this setup"),
        max_length=80,
        help_text=_("For example “Home PC” or “Taro's iPhone”."),
    )
    mail_program = forms.ChoiceField(label=_("Mail program"), choices=MailProgram.choices)
    provider_domain = forms.CharField(
        label=_("The domain of that address (optional)"),
        required=False,
        max_length=253,
        help_text=_("The part after @ of the address you use with that provider, for example example.co.jp."),
    )

    field_order = (
        "label",
        "mail_program",
        "sending_via",
        "port",
        "provider_submission",
        "provider_host",
        "provider_domain",
        "okbnet_address",
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        del self.fields["ip_type"]
        del self.fields["mail_client"]  # mail_program says it
        self.order_fields(self.field_order)
        self.fields["okbnet_address"].label = _("Your OKBNET mail address")
        self.fields["okbnet_address"].help_text = _("Decides your gateway. Leave empty to use %(address)s.") % {
            "address": member.mail_address or f"…@{settings.OKBNET_MAIL_DOMAIN}"
        }

    @classmethod
    def initial_from(cls, setup) -> dict:
        initial = {name: getattr(setup, name) for name in services.SETUP_FIELDS}
        if setup.sending_via in op25b.SENDERS_NEEDING_PORT:
            initial["port"] = str(setup.port) if setup.port else "unknown"
        return initial

    def other_provider_url(self) -> str:
        return ""  # a POST form: _fields.html says the offer in words instead of a link

    def clean(self):
        self.cleaned_data["ip_type"] = self.member.plan.ip_type
        return super().clean()

    def setup_data(self) -> dict:
        """What the service saves: the validated §7 inputs (without ip_type), name and program."""
        inputs = self.inputs
        return {
            "label": self.cleaned_data["label"],
            "mail_program": self.cleaned_data["mail_program"],
            "sending_via": inputs.sending_via,
            "port": inputs.port,
            "provider_submission": inputs.provider_submission,
            "okbnet_address": inputs.okbnet_address,
            "provider_host": inputs.provider_host,
            "provider_domain": inputs.provider_domain,
        }


class DiagnoseForm(DescribedErrorsMixin, forms.Form):
    """The error-message box of /check/ and the saved setups; diagnose.clean_text() is the one validator."""

    error_text = forms.CharField(
        label=_("Paste the error message your mail program shows"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "Copy the whole message, with its numbers (such as 0x800CCC0E or 535 5.7.8). "
            "If it cannot be copied, type the words you see."
        ),
    )
    mail_client = forms.ChoiceField(
        label=_("Which mail program shows it? (optional)"),
        choices=[("", _("I don't know"))] + [c for c in MailProgram.choices if c[0] != MailProgram.OTHER],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "diagnose_%s")  # ids of their own beside the quick check's fields
        super().__init__(*args, **kwargs)
        self.fields["error_text"].widget.attrs["aria-describedby"] = f"{self['error_text'].auto_id}_helptext"

    def clean(self):
        if self.errors:
            return self.cleaned_data  # the field's own error (a NUL, an unknown program) says it
        data = {"error_text": self.cleaned_data["error_text"], "mail_client": self.cleaned_data["mail_client"]}
        try:
            self.text, self.client = diagnose.clean_text(data)
        except InvalidInput as exc:
            form_add_error(self, exc)
        return self.cleaned_data
