"""The reset between transactional tests (tests/databases.py): every table empty afterwards, the
content types and permissions as the migrations made them, Django's own flush when a test changed
those."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TransactionTestCase

from accounts.models import Member
from support.models import Ticket

from .factories import MemberFactory, StaffFactory, TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _reset() -> None:
    TransactionTestCase()._fixture_teardown()  # what runs after each transactional test


def _rows_left() -> dict[str, int]:
    kept = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(set(tables) - kept):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - Django's own names
            counts[table] = cursor.fetchone()[0]
    return {table: count for table, count in counts.items() if count}


def test_every_table_is_emptied_and_the_content_types_and_permissions_stay():
    content_types, permissions = ContentType.objects.count(), Permission.objects.count()
    ids = list(Permission.objects.order_by("pk").values_list("pk", flat=True))
    TicketFactory(member=MemberFactory())
    StaffFactory().user_permissions.add(Permission.objects.get(codename="view_cannedreply"))
    assert _rows_left()
    _reset()
    assert _rows_left() == {}
    assert (ContentType.objects.count(), Permission.objects.count()) == (content_types, permissions) != (0, 0)
    assert Member.objects.count() == Ticket.objects.count() == 0
    if connection.vendor == "postgresql":  # the rows themselves, not made again (Django's flush on SQLite)
        assert list(Permission.objects.order_by("pk").values_list("pk", flat=True)) == ids


def test_a_permission_a_test_made_is_gone_after_the_reset():
    permissions = Permission.objects.count()
    Permission.objects.create(
        codename="made_by_a_test", name="made by a test", content_type=ContentType.objects.get_for_model(Ticket)
    )
    _reset()
    assert not Permission.objects.filter(codename="made_by_a_test").exists()
    assert Permission.objects.count() == permissions
    assert _rows_left() == {}
