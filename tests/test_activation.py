"""First-time activation from the contract document: member number + connection user name + code."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Member
from accounts.services import member_issue_activation_code

from .factories import MemberFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture(autouse=True)
def _fresh_failure_counts():
    """Failure counts live in the shared cache (Redis in CI), which outlives a test run."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def newcomer():
    member = MemberFactory(user=None)
    return member, member_issue_activation_code(member=member)


def _activate(client, member, code, password=NEW_PASSWORD, **overrides):
    data = {
        "member_number": member.member_number,
        "connection_username": member.connection_username,
        "activation_code": code,
        "new_password1": password,
        "new_password2": password,
        **overrides,
    }
    return client.post(reverse("activate"), data)


@pytest.mark.real_hashers
def test_only_a_hash_of_the_code_is_stored(newcomer):
    member, code = newcomer
    member.refresh_from_db()
    assert code not in member.activation_code_hash
    assert member.activation_code_hash.startswith("argon2")


def test_a_member_activates_and_then_logs_in_with_the_chosen_password(client, newcomer):
    member, code = newcomer
    typed = f"{code[:5].lower()}-{code[5:]}"  # as typed from paper
    response = _activate(client, member, typed)
    assert response.status_code == 302 and response["Location"] == reverse("mypage")
    assert client.get(reverse("mypage")).status_code == 200
    member.refresh_from_db()
    assert member.user is not None and member.activation_code_hash == ""
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": member.connection_username, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_the_code_works_only_once(client, newcomer):
    member, code = newcomer
    assert _activate(client, member, code).status_code == 302
    client.post(reverse("logout"))
    response = _activate(client, member, code, password="another-long-passphrase-7")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


@pytest.mark.parametrize("field", ["member_number", "connection_username", "activation_code"])
def test_a_wrong_value_is_refused_without_saying_which(client, newcomer, field):
    member, code = newcomer
    response = _activate(client, member, code, **{field: "WRONG123"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    member.refresh_from_db()
    assert member.user is None


def test_a_weak_password_is_refused_and_the_code_stays_usable(client, newcomer):
    member, code = newcomer
    response = _activate(client, member, code, password="12345678901")
    assert response.status_code == 400
    assert "new_password1" in response.context["form"].errors
    assert _activate(client, member, code).status_code == 302


def test_repeated_wrong_codes_lock_the_member_number_for_a_while(client, newcomer):
    member, code = newcomer
    for _ in range(5):
        _activate(client, member, "WRONGCODE1")
    response = _activate(client, member, code)
    assert response.status_code == 400
    assert "15" in str(response.context["form"].non_field_errors())


def test_the_demo_data_prints_a_working_activation_code(client, capsys):
    call_command("seed_demo")
    line = next(line for line in capsys.readouterr().out.splitlines() if "activation code" in line)
    code = re.search(r"activation code (\w+)", line).group(1)
    member = Member.objects.get(member_number="M1000002")
    assert _activate(client, member, code).status_code == 302


def _activate_from(client, member, code, address):
    data = {
        "member_number": member.member_number,
        "connection_username": member.connection_username,
        "activation_code": code,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    return client.post(reverse("activate"), data, REMOTE_ADDR=address)


def test_failures_from_one_address_do_not_block_the_member_elsewhere(client, newcomer):
    """Before: five wrong codes from anyone locked the member number itself for 15 minutes."""
    member, code = newcomer
    for _ in range(5):
        _activate_from(client, member, "WRONGCODE1", "198.51.100.66")
    locked = _activate_from(client, member, code, "198.51.100.66")
    assert locked.status_code == 400  # that address is locked, even with the right code
    response = _activate_from(client, member, code, "203.0.113.10")  # the member, at home
    assert response.status_code == 302


def test_many_addresses_guessing_one_member_alert_staff_once_and_lock_no_one_out(client, newcomer):
    from accounts.services import ACTIVATION_ALERT_FAILURES
    from support.models import Ticket

    member, code = newcomer
    for i in range(ACTIVATION_ALERT_FAILURES + 5):
        _activate_from(client, member, "WRONGCODE1", f"198.51.100.{i + 1}")
    alerts = Ticket.objects.filter(subject__contains=member.member_number)
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.needs_attention and alert.member is None  # staff's, not on the member's own list
    assert alert.priority >= Ticket.Priority.HIGH
    assert _activate_from(client, member, code, "203.0.113.10").status_code == 302
