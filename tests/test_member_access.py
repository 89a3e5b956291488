"""Every member URL, with the trio: alice (owner), staff, charlie (another member).

A member never reaches another member's data: a foreign id is a 404. Staff accounts are not
members and have no member page (they use /staff/ and the API). Anonymous visitors log in first.
"""

import pytest
from django.test import Client
from django.urls import reverse

from mailsettings.models import MailSetup

from .factories import MailSetupFactory

pytestmark = pytest.mark.django_db

# (url name, method, takes the setup id, owner's expected status)
SETUP_URLS = [
    ("mail-setup", "get", 200),
    ("mail-setup-edit", "get", 200),
    ("mail-setup-edit", "post", 302),
    ("mail-setup-mobileconfig", "get", 200),
    ("mail-setup-diagnose", "get", 200),
    ("mail-setup-diagnose", "post", 400),  # the owner's form, with no message pasted
    ("mail-setup-delete", "post", 302),  # last: it removes the setup
]
EDIT = {"label": "x", "mail_program": "other", "sending_via": "webmail"}


def _call(client, method, url):
    return client.post(url, EDIT) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "method", "owner_status"), SETUP_URLS)
def test_only_the_owner_reaches_a_setup(client, alice, staff_user, charlie, name, method, owner_status):
    setup = MailSetupFactory(member=alice, label="alice-secret")
    url = reverse(name, args=[setup.id])
    for outsider in (staff_user, charlie.user):
        client.force_login(outsider)
        response = _call(client, method, url)
        assert response.status_code == 404, (outsider, response.status_code)
    assert MailSetup.objects.get().label == "alice-secret"  # untouched by the others
    client.force_login(alice.user)
    assert _call(client, method, url).status_code == owner_status


@pytest.mark.parametrize("name", ["mypage", "mail-setup-new"])
def test_pages_without_an_id_show_each_member_only_their_own(client, alice, staff_user, charlie, name):
    MailSetupFactory(member=alice, label="alice-secret")
    client.force_login(charlie.user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "alice-secret" not in response.content.decode()
    assert alice.member_number not in response.content.decode()
    client.force_login(staff_user)
    assert client.get(reverse(name)).status_code == 404
    client.force_login(alice.user)
    assert "alice-secret" in client.get(reverse("mypage")).content.decode()


def test_a_member_cannot_create_a_setup_for_someone_else(client, alice, charlie):
    client.force_login(charlie.user)
    client.post(reverse("mail-setup-new"), {**EDIT, "member": alice.id})
    assert MailSetup.objects.get().member == charlie


@pytest.mark.parametrize(
    "url",
    ["/mypage/", "/mypage/mail/new/", "/mypage/mail/1/", "/mypage/mail/1/edit/", "/mypage/mail/1/okbnet.mobileconfig"],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# ---------------------------------------------------------------- CSRF on every form


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_every_member_form_refuses_a_post_without_the_csrf_token(csrf_client, alice):
    setup = MailSetupFactory(member=alice)
    csrf_client.force_login(alice.user)
    for url in (
        reverse("mail-setup-new"),
        reverse("mail-setup-edit", args=[setup.id]),
        reverse("mail-setup-delete", args=[setup.id]),
        reverse("logout"),
    ):
        assert csrf_client.post(url, EDIT).status_code == 403, url
    assert MailSetup.objects.filter(id=setup.id).exists()


def test_the_account_forms_refuse_a_post_without_the_csrf_token(csrf_client, alice):
    for url in (reverse("login"), reverse("password_reset"), reverse("activate")):
        assert csrf_client.post(url, {"username": "x", "password": "y", "email": "a@example.jp"}).status_code == 403


def test_every_form_on_the_member_pages_carries_the_csrf_token(csrf_client, alice):
    setup = MailSetupFactory(member=alice)
    csrf_client.force_login(alice.user)
    for url in (reverse("mypage"), reverse("mail-setup-new"), reverse("mail-setup", args=[setup.id])):
        page = csrf_client.get(url).content.decode()
        assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"') >= 1, url


def test_a_form_with_the_token_goes_through(csrf_client, alice):
    csrf_client.force_login(alice.user)
    csrf_client.get(reverse("mail-setup-new"))
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(reverse("mail-setup-new"), {**EDIT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def _member_url_names(patterns, prefix=""):
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _member_url_names(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("mypage/"):
            yield entry.name


def test_every_member_url_is_covered_by_the_access_tests():
    """A new /mypage/ URL must join SETUP_URLS or the id-less list above (with its own trio)."""
    from django.urls import get_resolver

    covered = {name for name, _method, _status in SETUP_URLS} | {"mypage", "mail-setup-new"}
    uncovered = set(_member_url_names(get_resolver().url_patterns)) - covered - COVERED_ELSEWHERE
    assert uncovered == set(), f"add these member URLs to an access trio test: {sorted(uncovered)}"


# Names of member URLs whose access trio lives in another test module (e.g. the plan change).
COVERED_ELSEWHERE: set[str] = {
    # tests/test_plan_change_page.py::test_only_the_owner_sees_a_request (+ anonymous test)
    "plan-fixed-ip",
    "plan-fixed-ip-status",
    "plan-fixed-ip-cancel",
    # tests/test_my_tickets.py::test_other_people_never_see_the_ticket
    "my-tickets",
    "my-ticket",
    # tests/test_conversations.py::test_nobody_else_can_answer_on_the_ticket, ::test_only_members_open_inquiries
    "my-ticket-new",
    "my-ticket-reply",
    # tests/test_connection_password.py::test_each_member_changes_only_their_own_and_staff_get_a_404
    "connection-password",
}
