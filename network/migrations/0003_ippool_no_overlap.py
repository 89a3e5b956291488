"""No two IP pools overlap: an exclusion constraint on PostgreSQL's cidr column.

`inet_ops` is a GiST operator class of PostgreSQL itself (no btree_gist needed). SQLite has no
such constraint; there IpPool.clean() (forms, admin, services) is the guard.
"""

from django.db import migrations

CONSTRAINT = "network_ippool_no_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE network_ippool ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist (network inet_ops WITH &&)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE network_ippool DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("network", "0002_refusals_and_sessions")]
    operations = [migrations.RunPython(add, drop, elidable=False)]
