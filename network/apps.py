from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from accounts.models import ConnectionPlan, Member
        from mailsettings.models import OwnDomain

        from . import policy

        def changed(**kwargs):
            # After commit: the policy service must read the new state, not the old one.
            transaction.on_commit(policy.directory_changed)

        # What the gateway's directory is made of. QuerySet.update() sends no signal: the periodic
        # reload (OKBNET_POLICY_REFRESH_SECONDS) catches those.
        for model in (Member, ConnectionPlan, OwnDomain):
            post_save.connect(changed, sender=model, dispatch_uid=f"policy-{model.__name__}-save", weak=False)
            post_delete.connect(changed, sender=model, dispatch_uid=f"policy-{model.__name__}-delete", weak=False)
