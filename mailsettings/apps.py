from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailsettingsConfig(AppConfig):
    name = "mailsettings"
    verbose_name = _("Mail settings and OP25B")
