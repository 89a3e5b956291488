"""The inbound refusal list: validated entries, Postfix tables that Postfix accepts, regenerated on change."""

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from network.models import RefusedSource
from network.refusals import CLIENTS_FILE, SENDERS_FILE
from network.services import refusal_add, refusal_remove, refusal_tables_write
from tests.components import require

from .waiting import wait_for

POSTMAP = shutil.which("postmap") or "/usr/sbin/postmap"


def postmap_query(key: str, table: str) -> str:
    require(Path(POSTMAP).exists(), "Postfix's postmap (Debian package postfix)")
    result = subprocess.run([POSTMAP, "-q", key, table], capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode in (0, 1), result.stderr  # 1 = not found; anything else = a broken table
    assert "warning" not in result.stderr and "fatal" not in result.stderr, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("network", " 192.0.2.10 ", "192.0.2.10/32"),
        ("network", "192.0.2.77/24", "192.0.2.0/24"),
        ("network", "2001:DB8::1/64", "2001:db8::/64"),
        ("domain", "Spam.Example.", "spam.example"),
        ("domain", "@bulk.example.jp", "bulk.example.jp"),
    ],
)
@pytest.mark.django_db
def test_it_stores_sources_in_their_canonical_form(kind, value, stored):
    assert refusal_add(kind=kind, value=value, reason="spam run").value == stored


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("network", "192.0.2.300"),
        ("network", "10.0.0.0/7"),
        ("network", "spam.example"),
        ("domain", "192 0 2 1"),
        ("domain", "no_underscores.example"),
        ("domain", ""),
    ],
)
@pytest.mark.django_db
def test_it_refuses_a_malformed_or_huge_source(kind, value):
    with pytest.raises(ValidationError) as caught:
        refusal_add(kind=kind, value=value, reason="x")
    assert "value" in caught.value.message_dict
    assert not RefusedSource.objects.exists()


@pytest.mark.django_db
def test_postmap_answers_reject_for_a_listed_client_and_nothing_for_another(tmp_path):
    refusal_add(kind="network", value="192.0.2.0/25", reason="botnet")
    refusal_add(kind="network", value="2001:db8:bad::/48", reason="botnet v6")
    refusal_tables_write(directory=tmp_path)
    table = f"cidr:{tmp_path / CLIENTS_FILE}"
    assert postmap_query("192.0.2.5", table).startswith("REJECT 5.7.1 Refused by OKBNET policy")
    assert postmap_query("2001:db8:bad::25", table).startswith("REJECT")
    assert postmap_query("192.0.2.200", table) == ""
    assert postmap_query("198.51.100.1", table) == ""


@pytest.mark.django_db
def test_postmap_answers_reject_for_a_listed_sender_domain_only(tmp_path):
    entry = refusal_add(kind="domain", value="spam.example", reason="phishing")
    refusal_tables_write(directory=tmp_path)
    table = f"texthash:{tmp_path / SENDERS_FILE}"
    assert postmap_query("spam.example", table) == f"REJECT 5.7.1 Refused by OKBNET policy (ref RS-{entry.pk})"
    assert postmap_query("example.jp", table) == ""


@pytest.mark.django_db
def test_the_reply_never_shows_the_internal_reason(tmp_path):
    refusal_add(kind="network", value="192.0.2.1", reason="通報: 顧客A様からの苦情")
    refusal_tables_write(directory=tmp_path)
    assert "顧客" not in (tmp_path / CLIENTS_FILE).read_text()


@pytest.mark.django_db
def test_expired_entries_drop_out_and_unchanged_tables_are_left_alone(tmp_path):
    now = timezone.now()
    refusal_add(kind="network", value="192.0.2.1", reason="a", expires_at=now + timedelta(hours=1))
    refusal_add(kind="network", value="192.0.2.2", reason="b")
    assert sorted(refusal_tables_write(directory=tmp_path, at=now)) == [CLIENTS_FILE, SENDERS_FILE]
    assert refusal_tables_write(directory=tmp_path, at=now) == []
    assert "192.0.2.1/32" in (tmp_path / CLIENTS_FILE).read_text()

    assert refusal_tables_write(directory=tmp_path, at=now + timedelta(hours=1)) == [CLIENTS_FILE]
    text = (tmp_path / CLIENTS_FILE).read_text()
    assert "192.0.2.1/32" not in text
    assert "192.0.2.2/32" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [CLIENTS_FILE, SENDERS_FILE]  # no temporary files left


@pytest.mark.django_db(transaction=True)
def test_the_worker_regenerates_the_tables_after_each_change(celery_worker, settings, tmp_path):
    settings.OKBNET_POSTFIX_DIR = tmp_path
    clients = tmp_path / CLIENTS_FILE
    entry = refusal_add(kind="network", value="198.51.100.0/24", reason="spam")
    assert wait_for(lambda: clients.exists() and "198.51.100.0/24" in clients.read_text())
    refusal_remove(entry=entry)
    assert wait_for(lambda: "198.51.100.0/24" not in clients.read_text())


@pytest.mark.django_db(transaction=True)
def test_staff_adding_an_entry_in_the_admin_updates_the_table(celery_worker, settings, tmp_path, client, staff_user):
    settings.OKBNET_POSTFIX_DIR = tmp_path
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    response = client.post(
        "/admin/network/refusedsource/add/",
        {"kind": "domain", "value": "Bulk.Example", "reason": "spam", "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    entry = RefusedSource.objects.get()
    assert (entry.value, entry.created_by) == ("bulk.example", staff_user)
    senders = tmp_path / SENDERS_FILE
    assert wait_for(lambda: senders.exists() and "bulk.example\t" in senders.read_text())


@pytest.mark.django_db(transaction=True)
def test_the_periodic_task_drops_an_entry_once_it_has_expired(celery_worker, settings, tmp_path):
    from network.tasks import export_refusal_tables

    settings.OKBNET_POSTFIX_DIR = tmp_path
    clients = tmp_path / CLIENTS_FILE
    entry = RefusedSource.objects.create(kind="network", value="192.0.2.9/32", reason="r")
    refusal_tables_write()
    assert "192.0.2.9/32" in clients.read_text()
    RefusedSource.objects.filter(pk=entry.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    export_refusal_tables.delay()  # what beat sends every minute
    assert wait_for(lambda: "192.0.2.9/32" not in clients.read_text())
