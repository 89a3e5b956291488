from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from okbnet_portal.emails import email_queue

from .models import User


class MemberLoginForm(AuthenticationForm):
    """Log in with the connection user name or an e-mail address (accounts.backends)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Connection user name or e-mail address")
        self.fields["username"].help_text = _("The connection user name is printed on your contract document (承り書).")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.error_messages["invalid_login"] = _(
            "The user name or password is not correct. After several failures, log-in is locked for a while."
        )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset, but matched on the member's contact e-mail too, and sent by the worker."""

    def get_users(self, email):
        users = User.objects.filter(
            Q(email__iexact=email) | Q(member__email__iexact=email), is_active=True
        ).select_related("member")
        return (u for u in users.distinct() if u.has_usable_password())

    def save(
        self, domain_override=None, use_https=False, token_generator=default_token_generator, request=None, **kwargs
    ):
        email = self.cleaned_data["email"]
        domain = domain_override or (request.get_host() if request else "localhost")
        for user in self.get_users(email):
            member = getattr(user, "member", None)
            to = member.email if member and member.email.lower() == email.lower() else user.email
            email_queue(
                template="accounts/emails/password_reset",
                to=[to],
                context={
                    "name": member.name if member else user.get_username(),
                    "protocol": "https" if use_https else "http",
                    "domain": domain,
                    "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": token_generator.make_token(user),
                },
                language=(get_language() or "ja")[:2],
            )


class ActivationForm(forms.Form):
    """First-time activation from the contract document, then a password of the member's choice."""

    member_number = forms.CharField(label=_("Member number"), max_length=20)
    connection_username = forms.CharField(label=_("Connection user name"), max_length=64)
    activation_code = forms.CharField(
        label=_("Activation code"),
        max_length=32,
        help_text=_("Printed on your contract document (承り書). Hyphens and spaces do not matter."),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password, not like your user name."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", _("The two passwords do not match."))
        elif p1:
            probe = User(username=f"member-{data.get('member_number', '')}")
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class ConnectionPasswordForm(forms.Form):
    """A new connection (PPPoE) password: the rules are network.passwords' (the service checks them)."""

    password = forms.CharField(
        label=_("New connection password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
    password_again = forms.CharField(
        label=_("New connection password again"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        from network.passwords import password_rules

        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_rules()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password"), data.get("password_again")
        if p1 and p2 and p1 != p2:
            self.add_error("password_again", _("The two passwords do not match."))
        return data
