"""FreeRADIUS's tables (network.models.RADIUS_MODELS) live in the database of RADIUS_DATABASE_URL.

Without it they are in the portal's own database. `settings.RADIUS_DATABASE_ALIAS` is read on
every call, so a test can point the RADIUS tables at an unreachable server.
"""

from django.conf import settings

RADIUS_TABLES = frozenset({"radcheck", "radreply", "radgroupcheck", "radgroupreply", "radusergroup", "nas"})


def is_radius(model) -> bool:
    return model._meta.app_label == "network" and model._meta.db_table in RADIUS_TABLES


class RadiusRouter:
    def db_for_read(self, model, **hints):
        return settings.RADIUS_DATABASE_ALIAS if is_radius(model) else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        radius_alias = settings.RADIUS_DATABASE_ALIAS
        if app_label == "network" and model_name in RADIUS_TABLES:
            return db == radius_alias
        if db != "default" and db == radius_alias:
            return False  # a separate RADIUS database holds nothing else
        return None
