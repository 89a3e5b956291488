"""Log-in by connection user name or e-mail, log-out by POST, and the axes lock-out page."""

import pytest
from django.urls import reverse

from .factories import MemberFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.mark.parametrize("login_with", ["connection_username", "email", "mail_address"])
def test_a_member_logs_in_with_the_connection_user_name_or_an_address(client, login_with):
    member = MemberFactory()
    response = client.post(reverse("login"), {"username": getattr(member, login_with), "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mypage")
    assert client.get(reverse("mypage")).status_code == 200


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, alice):
    response = client.post(reverse("login"), {"username": alice.connection_username, "password": "wrong"})
    assert response.status_code == 200
    assert "ロック" in response.content.decode()  # warns that repeated failures lock the log-in
    assert "_auth_user_id" not in client.session


@pytest.mark.real_hashers
def test_passwords_are_hashed_with_argon2(alice):
    assert alice.user.password.startswith("argon2")


def test_log_out_needs_a_post(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("mypage")).status_code == 302


def test_the_fifth_failure_locks_the_log_in_and_says_when_to_retry(client, alice, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = client.post(reverse("login"), {"username": alice.connection_username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": alice.connection_username, "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "15分後" in page and 'class="retry-at"' in page
    # Locked means locked: the right password is refused too, until the cool-off has passed.
    response = client.post(reverse("login"), {"username": alice.connection_username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_is_per_user_name_so_another_member_can_still_log_in(client, alice, charlie):
    for _ in range(5):
        client.post(reverse("login"), {"username": alice.connection_username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": charlie.connection_username, "password": PASSWORD})
    assert response.status_code == 302


def test_staff_without_a_member_record_land_in_the_admin_not_on_a_404(client, staff_user):
    response = client.post(reverse("login"), {"username": staff_user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def _variants(member):
    email = member.email  # memberN@example.jp
    local, domain = email.split("@")
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in email)
    return [
        email,
        email.upper(),
        f"{local}@{domain.capitalize()}",
        f"  {email}\u3000",  # surrounding spaces, one of them ideographic
        full_width,  # what a Japanese IME in full-width mode types
        member.connection_username,
        member.mail_address.upper(),
    ]


def test_spelling_the_name_differently_gives_no_extra_tries(client, alice):
    """Before: axes counted each spelling on its own, so 6 variants gave 30 tries."""
    variants = _variants(alice)
    for attempt in range(4):
        response = client.post(reverse("login"), {"username": variants[attempt], "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": variants[4], "password": "wrong"})
    assert response.status_code == 429
    for name in variants:  # every spelling, even with the right password, is locked now
        response = client.post(reverse("login"), {"username": name, "password": PASSWORD})
        assert response.status_code == 429, name
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("index", range(7))
def test_every_spelling_of_the_name_logs_in(client, alice, index):
    response = client.post(reverse("login"), {"username": _variants(alice)[index], "password": PASSWORD})
    assert response.status_code == 302


def test_a_success_clears_the_failures_counted_under_another_spelling(client, alice):
    for _ in range(4):
        client.post(reverse("login"), {"username": alice.email.upper(), "password": "wrong"})
    assert (
        client.post(reverse("login"), {"username": alice.connection_username, "password": PASSWORD}).status_code == 302
    )
    client.post(reverse("logout"))
    for _ in range(4):  # the count started again
        response = client.post(reverse("login"), {"username": alice.email, "password": "wrong"})
        assert response.status_code == 200


def test_names_of_nobody_are_counted_case_and_width_folded(client):
    names = ["ghost@example.jp", "GHOST@example.jp", "ｇｈｏｓｔ@example.jp", " Ghost@Example.JP", "ghost@EXAMPLE.jp"]
    statuses = [client.post(reverse("login"), {"username": n, "password": "x"}).status_code for n in names]
    assert statuses == [200, 200, 200, 200, 429]
