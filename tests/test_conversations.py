"""Members open inquiries and answer on /mypage/tickets/; staff replies reach them by e-mail."""

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from support import services
from support.models import Ticket, TicketEvent

from .factories import StaffFactory

pytestmark = pytest.mark.django_db


def open_inquiry(client, **data):
    return client.post(
        reverse("my-ticket-new"), {"category": "op25b", "subject": "送信できません", "body": "エラーが出ます", **data}
    )


def test_a_member_opens_an_inquiry_that_waits_on_staff(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("my-ticket-new")).status_code == 200
    response = open_inquiry(client)
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("my-ticket", args=[ticket.number])
    assert (ticket.member, ticket.category, ticket.status, ticket.awaiting_staff) == (alice, "op25b", "new", True)
    created = ticket.events.get()
    assert (created.kind, created.body, created.actor_user) == ("created", "エラーが出ます", alice.user)


def test_a_member_may_not_open_enforcement_tickets(client, alice):
    client.force_login(alice.user)
    assert open_inquiry(client, category="enforcement").status_code == 400
    assert not Ticket.objects.exists()


@pytest.fixture
def answered(alice, staff_user):
    ticket = services.ticket_open(
        member=alice, category="op25b", subject="送信", description="?", by=alice.user, by_member=True
    )
    services.ticket_comment(ticket=ticket, body="ポート587に変えてください。", public=True, by=staff_user)
    return ticket


def test_the_member_answers_and_the_ticket_waits_on_staff_again(client, alice, answered):
    answered.refresh_from_db()
    assert answered.awaiting_staff is False and answered.first_responded_at is not None
    client.force_login(alice.user)
    response = client.post(reverse("my-ticket-reply", args=[answered.number]), {"body": "変えたら送れました"})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.awaiting_staff is True
    reply = answered.events.filter(kind="public_reply").last()
    assert (reply.body, reply.actor_user, reply.actor_name) == ("変えたら送れました", alice.user, alice.user.username)
    body = client.get(reverse("my-ticket", args=[answered.number])).content.decode()
    assert "ポート587に変えてください。" in body and "変えたら送れました" in body


@pytest.mark.parametrize("status", ["resolved", "pending"])
def test_a_members_reply_reopens_a_resolved_or_pending_ticket(client, alice, answered, staff_user, status):
    services.ticket_change_status(ticket=answered, status=status, by=staff_user)
    client.force_login(alice.user)
    client.post(reverse("my-ticket-reply", args=[answered.number]), {"body": "まだ送れません"})
    answered.refresh_from_db()
    assert answered.status == "open"
    change = answered.events.filter(kind="status").last()
    assert (change.old_value, change.new_value, change.actor_user) == (status, "open", alice.user)


def test_a_closed_ticket_takes_no_more_replies(client, alice, answered, staff_user):
    services.ticket_change_status(ticket=answered, status="closed", by=staff_user)
    client.force_login(alice.user)
    response = client.post(reverse("my-ticket-reply", args=[answered.number]), {"body": "もう一度"})
    assert response.status_code == 400
    assert not answered.events.filter(body="もう一度").exists()
    assert reverse("my-ticket-new") in client.get(reverse("my-ticket", args=[answered.number])).content.decode()


def test_an_empty_answer_is_refused(client, alice, answered):
    client.force_login(alice.user)
    assert client.post(reverse("my-ticket-reply", args=[answered.number]), {"body": "  "}).status_code == 400


def test_nobody_else_can_answer_on_the_ticket(client, alice, staff_user, charlie, answered):
    url = reverse("my-ticket-reply", args=[answered.number])
    assert client.post(url, {"body": "x"}).status_code == 302  # anonymous: log in first
    client.force_login(charlie.user)
    assert client.post(url, {"body": "x"}).status_code == 404  # another member: as if it did not exist
    client.force_login(staff_user)  # staff answer on /staff/, they are not this member
    assert client.post(url, {"body": "x"}).status_code == 404
    assert not TicketEvent.objects.filter(body="x").exists()


def test_the_member_forms_need_the_csrf_token(alice, answered):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    assert open_inquiry(client).status_code == 403
    assert client.post(reverse("my-ticket-reply", args=[answered.number]), {"body": "x"}).status_code == 403
    assert Ticket.objects.count() == 1 and not TicketEvent.objects.filter(body="x").exists()


def test_the_dashboard_counts_the_tickets_waiting_on_staff(client, alice, staff_user, answered):
    services.ticket_open(member=alice, category="other", subject="a", by=alice.user, by_member=True)
    services.ticket_open(member=alice, category="other", subject="b", by=staff_user)
    client.force_login(staff_user)
    assert client.get("/staff/").context["waiting_on_staff"] == 1
    listed = client.get("/staff/tickets/", {"assignee": "waiting", "status": "open_any"}).context["page"]
    assert [t.subject for t in listed] == ["a"]


def test_the_staff_history_says_who_wrote_each_message(client, alice, staff_user, answered):
    services.ticket_member_reply(ticket=answered, body="ありがとう", by=alice.user)
    client.force_login(staff_user)
    events = list(client.get(reverse("staff-ticket", args=[answered.number])).context["events"])
    assert [(e.kind, e.actor_name) for e in events if e.kind in ("created", "public_reply")] == [
        ("created", alice.user.username),
        ("public_reply", staff_user.username),
        ("public_reply", alice.user.username),
    ]


def test_mypage_offers_a_new_inquiry(client, alice):
    client.force_login(alice.user)
    assert reverse("my-ticket-new") in client.get(reverse("mypage")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_staff_reply_is_emailed_to_the_member_with_a_link_by_the_worker(celery_worker, settings):
    from .factories import MemberFactory

    settings.OKBNET_PORTAL_URL = "https://portal.okbnet.ne.jp"
    member = MemberFactory(email="taro@example.jp", name="山田 太郎")
    ticket = services.ticket_open(member=member, category="op25b", subject="送信", by=member.user, by_member=True)
    services.ticket_comment(ticket=ticket, body="内部メモ", public=False, by=StaffFactory())
    services.ticket_comment(ticket=ticket, body="ポート587をお使いください。", public=True, by=StaffFactory())
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) == 1  # the internal note is not sent
    message = mail.outbox[0]
    assert message.to == ["taro@example.jp"]
    assert ticket.number in message.subject
    assert "ポート587をお使いください。" in message.body and "内部メモ" not in message.body
    link = f"https://portal.okbnet.ne.jp/mypage/tickets/{ticket.number}/"
    assert link in message.body and link in message.alternatives[0][0]


def test_only_members_open_inquiries(client, alice, staff_user):
    url = reverse("my-ticket-new")
    assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(staff_user)  # staff have no member record: nothing to open an inquiry for
    assert client.get(url).status_code == 404
    assert open_inquiry(client).status_code == 404
    assert not Ticket.objects.exists()
