"""Connection passwords: the member's page, the staff command, and only the RADIUS hash stored."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Member
from network.models import RadiusOutbox
from network.passwords import password_generate, password_hash, password_matches, password_problems

from .factories import CONNECTION_PASSWORD, MemberFactory


@pytest.mark.parametrize(
    "password", ["short1A", "only-letters-here", "1234567890123", "全角パスワード12345", "with space 123a"]
)
def test_a_password_against_the_rules_is_refused(password):
    assert password_problems(password)


@pytest.mark.parametrize("password", ["Setsuzoku2026", "a1!b2@c3#d4$", "x" * 63 + "9"])
def test_a_password_within_the_rules_is_accepted(password):
    assert password_problems(password) == []


def test_the_hash_is_the_salted_ssha2_512_freeradius_reads():
    hashed = password_hash("Setsuzoku2026")
    assert password_matches("Setsuzoku2026", hashed) and not password_matches("Setsuzoku2027", hashed)
    assert password_hash("Setsuzoku2026") != hashed  # salted
    assert "Setsuzoku2026" not in hashed
    assert password_problems(password_generate()) == []


@pytest.mark.django_db
def test_the_member_changes_it_on_my_page_and_is_told_to_update_the_router(client):
    member = MemberFactory()
    client.force_login(member.user)
    page = client.get("/mypage/connection-password/?lang=en").content.decode()
    assert "router" in page and "10 to 64 characters" in page
    assert 'href="/mypage/connection-password/"' in client.get("/mypage/").content.decode()

    response = client.post("/mypage/connection-password/?lang=en", {"password": "Atarashii2026", "password_again": "x"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    response = client.post("/mypage/connection-password/?lang=en", {"password": "short", "password_again": "short"})
    assert response.status_code == 400 and "Use 10 to 64 characters." in response.content.decode()
    member.refresh_from_db()
    assert password_matches(CONNECTION_PASSWORD, member.connection_password_hash)

    response = client.post(
        "/mypage/connection-password/", {"password": "Atarashii2026", "password_again": "Atarashii2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/mypage/"
    member.refresh_from_db()
    assert password_matches("Atarashii2026", member.connection_password_hash)
    assert RadiusOutbox.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_the_page_is_only_for_a_logged_in_member(client):
    assert client.get("/mypage/connection-password/").status_code == 302


def test_each_member_changes_only_their_own_and_staff_get_a_404(client, alice, staff_user, charlie):
    form = {"password": "Atarashii2026", "password_again": "Atarashii2026"}
    client.force_login(staff_user)
    assert client.get("/mypage/connection-password/").status_code == 404
    assert client.post("/mypage/connection-password/", form).status_code == 404
    client.force_login(charlie.user)
    assert client.post("/mypage/connection-password/", form).status_code == 302
    alice.refresh_from_db()
    charlie.refresh_from_db()
    assert password_matches(CONNECTION_PASSWORD, alice.connection_password_hash)
    assert password_matches("Atarashii2026", charlie.connection_password_hash)
    assert alice.connection_username not in client.get("/mypage/connection-password/").content.decode()


@pytest.mark.django_db
def test_staff_set_one_from_standard_input(monkeypatch):
    member = MemberFactory()
    monkeypatch.setattr("sys.stdin", io.StringIO("Atarashii2026\n"))
    out = io.StringIO()
    call_command("connection_password", member.member_number, stdout=out, stderr=io.StringIO())
    assert "Atarashii2026" not in out.getvalue()
    member.refresh_from_db()
    assert password_matches("Atarashii2026", member.connection_password_hash)


@pytest.mark.django_db
def test_staff_get_a_generated_one_printed_once_on_the_last_line():
    member = MemberFactory()
    out = io.StringIO()
    call_command("connection_password", member.member_number, "--generate", stdout=out, stderr=io.StringIO())
    generated = out.getvalue().strip().splitlines()[-1]
    assert out.getvalue().count(generated) == 1
    member.refresh_from_db()
    assert password_matches(generated, member.connection_password_hash)
    assert Member.objects.filter(connection_password_hash__contains=generated).count() == 0


@pytest.mark.django_db
def test_the_command_refuses_a_weak_password_and_an_unknown_member(monkeypatch):
    member = MemberFactory()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="10"):  # the rules, in the default language
        call_command("connection_password", member.member_number, stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("connection_password", "M9999999", "--generate", stderr=io.StringIO())
