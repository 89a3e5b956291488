"""Password reset by e-mail: the link is sent by the real worker, then the new password works."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from .factories import MemberFactory
from .waiting import wait_for, worker_drained

NEW_PASSWORD = "a-fresh-passphrase-2026"


@pytest.mark.django_db(transaction=True)
def test_a_member_resets_the_password_through_the_link_the_worker_sends(client, celery_worker):
    member = MemberFactory(email="Hanako@Example.jp")
    response = client.post(reverse("password_reset"), {"email": "hanako@example.jp"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")

    outbox = wait_for(lambda: mail.outbox, what="the reset mail")
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["Hanako@Example.jp"]
    assert message.subject == "OKBNET：新しいパスワードの設定"
    assert message.alternatives[0][1] == "text/html"
    link = re.search(r"https?://[^\s]+/accounts/reset/[^\s]+/", message.body).group(0)
    assert "password" not in message.body.lower()

    path = link.split("testserver", 1)[1]
    response = client.get(path)  # Django swaps the token for a session-held one
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")

    response = client.post(reverse("login"), {"username": member.connection_username, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(path).context["validlink"] is False  # the link works once


@pytest.mark.django_db(transaction=True)
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, celery_worker):
    MemberFactory(email="someone@example.jp")
    response = client.post(reverse("password_reset"), {"email": "nobody@example.jp"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    client.post(reverse("password_reset"), {"email": "someone@example.jp"})
    wait_for(lambda: mail.outbox, what="the reset mail")
    worker_drained()  # a mail to the unknown address, had one been queued, would have been sent by now
    assert [m.to for m in mail.outbox] == [["someone@example.jp"]]


@pytest.mark.django_db
def test_the_reset_pages_are_the_portal_ones_not_the_admin_ones(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        page = client.get(reverse(name)).content.decode()
        assert 'class="breadcrumbs"' not in page and 'class="site-header"' in page, name
