"""The policy server over a real socket: Postfix's protocol, the directory's refresh, Redis down."""

import socket

import pytest

from support.abuse.services import member_enforce
from tests.factories import MemberFactory, OwnDomainFactory, PlanFactory, TicketFactory
from tests.policy_harness import PolicyClient, policy_thread
from tests.waiting import mail_to, wait_for, worker_drained

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on loopback port 1


def rcpt(member, sender=None, recipient="friend@example.net", **extra):
    return {
        "request": "smtpd_access_policy",
        "protocol_state": "RCPT",
        "protocol_name": "ESMTP",
        "client_address": "127.0.0.1",
        "sasl_method": "PLAIN",
        "sasl_username": member.mail_address if member else "",
        "sender": sender if sender is not None else (member.mail_address if member else ""),
        "recipient": recipient,
        **extra,
    }


def test_one_connection_carries_many_requests_and_unknown_attributes_are_ignored(policy_redis):
    taro = MemberFactory()
    with policy_thread() as (_service, port):
        client = PolicyClient(port)
        try:
            assert client.ask(rcpt(taro)) == "DUNNO"
            assert client.ask(rcpt(taro, x_future_attribute="whatever", ccert_subject="")) == "DUNNO"
            assert client.ask(rcpt(None)).startswith("REJECT ")
            # END-OF-MESSAGE (smtpd_end_of_data_restrictions) is not a recipient: not counted
            assert client.ask({**rcpt(taro), "protocol_state": "END-OF-MESSAGE", "recipient_count": "2"}) == "DUNNO"
            assert client.ask(rcpt(taro, sender="someone@else.example")).startswith("REJECT ")
        finally:
            client.close()


def test_requests_split_across_packets_and_two_connections_at_once(policy_redis):
    taro = MemberFactory()
    with policy_thread() as (_service, port):
        first, second = PolicyClient(port), PolicyClient(port)
        try:
            raw = "".join(f"{k}={v}\n" for k, v in rcpt(taro).items()) + "\n"
            half = len(raw) // 2
            first.file.write(raw[:half].encode())
            first.file.flush()
            assert second.ask(rcpt(taro)) == "DUNNO"  # the other connection is not held up
            first.file.write(raw[half:].encode())
            first.file.flush()
            assert first.file.readline() == b"action=DUNNO\n"
            assert first.file.readline() == b"\n"
        finally:
            first.close()
            second.close()


def test_a_suspension_and_a_new_own_domain_apply_at_the_next_request(policy_redis, staff_user, settings):
    settings.OKBNET_POLICY_CHANGE_CHECK_SECONDS = 0
    taro = MemberFactory()
    with policy_thread() as (_service, port):
        client = PolicyClient(port)
        try:
            assert client.ask(rcpt(taro, sender="shop@taro.example")).startswith("REJECT ")
            OwnDomainFactory(member=taro, domain="taro.example")
            assert client.ask(rcpt(taro, sender="shop@taro.example")) == "DUNNO"
            evidence = TicketFactory(member=taro, category="spam_report")
            member_enforce(member=taro, action="suspend", reason="spam", evidence_ticket=evidence, by=staff_user)
            answer = client.ask(rcpt(taro))
            assert answer.startswith("REJECT ") and settings.OKBNET_SUPPORT_PHONE in answer
        finally:
            client.close()


def test_over_the_quota_is_deferred_and_reported_once(policy_redis, celery_worker, mailoutbox):
    from network.models import SendingQuotaBreach
    from support.models import Ticket

    taro = MemberFactory(plan=PlanFactory(send_quota_per_hour=2, send_quota_per_day=50))
    with policy_thread() as (_service, port):
        client = PolicyClient(port)
        try:
            answers = [client.ask(rcpt(taro, recipient=f"r{n}@example.net")) for n in range(4)]
        finally:
            client.close()
        assert answers[:2] == ["DUNNO", "DUNNO"]
        assert all(a.startswith("DEFER_IF_PERMIT ") for a in answers[2:])
        breach = wait_for(lambda: SendingQuotaBreach.objects.filter(member=taro).first(), what="the breach")
    worker_drained()
    tickets = Ticket.objects.filter(member=taro, category=Ticket.Category.ENFORCEMENT)
    assert [t.pk for t in tickets] == [breach.ticket_id]
    assert (breach.hour_count, breach.hour_quota, breach.window[:5]) == (2, 2, "hour:")
    assert "2" in tickets[0].description
    notice = wait_for(lambda: mail_to(taro.email), what="the member's e-mail")
    assert len(notice) == 1


@pytest.mark.parametrize(("setting", "expected"), [("DUNNO", "DUNNO"), ("DEFER", "DEFER")])
def test_with_redis_down_the_answer_is_the_setting(settings, setting, expected):
    settings.OKBNET_POLICY_ON_ERROR = setting
    taro = MemberFactory()
    with policy_thread(redis_url=CLOSED_PORT) as (_service, port):
        client = PolicyClient(port)
        try:
            assert client.ask(rcpt(taro)).split()[0] == expected
            # who is sending is still known from memory: a stranger is refused either way
            assert client.ask(rcpt(None)).startswith("REJECT ")
        finally:
            client.close()


def test_with_the_database_down_at_start_the_answer_is_the_setting(settings, policy_redis):
    from django.db import connections

    settings.OKBNET_POLICY_ON_ERROR = "DEFER"
    taro = MemberFactory()
    # The server's threads open their own connections from these settings: a closed loopback port.
    shared = connections.settings["default"]
    original = shared["PORT"]
    shared["PORT"] = _closed_port()
    try:
        with policy_thread() as (_service, port):
            client = PolicyClient(port)
            try:
                assert client.ask(rcpt(taro)).startswith("DEFER ")
                assert client.ask(rcpt(None)).startswith("DEFER ")  # nothing is known yet
            finally:
                client.close()
    finally:
        shared["PORT"] = original


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])  # closed again when the block ends
