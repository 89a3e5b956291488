from django import forms
from django.utils.translation import gettext_lazy as _

from okbnet_portal.moments import check_moment

MAX_LOG_BYTES = 50 * 1024 * 1024

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]


class SessionLogForm(forms.Form):
    log = forms.FileField(
        label=_("RADIUS accounting log (CSV)"),
        help_text=_(
            "A header row with user name, address, start and stop; times in Japan time unless they carry an offset."
        ),
    )

    def clean_log(self):
        log = self.cleaned_data["log"]
        if log.size > MAX_LOG_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it."))
        return log


class AddressAtForm(forms.Form):
    """An address and a moment (Japan time), as an abuse report gives them."""

    address = forms.GenericIPAddressField(label=_("Source IP address"), unpack_ipv4=True)
    at = forms.DateTimeField(
        label=_("Date and time (Japan time)"),
        input_formats=DATETIME_FORMATS,
        validators=[check_moment],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
        help_text=_("Convert the report's time to Japan time (UTC+9) first."),
    )
