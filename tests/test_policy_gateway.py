"""The policy service behind a real Postfix (Debian) with Dovecot SASL on loopback, driven by swaks.

`manage.py policy_server` runs in its own process on the test database; Postfix asks it through
`check_policy_service`; accepted mail goes to the discard transport.
"""

import pytest

from support.abuse.services import member_enforce
from tests import gateway
from tests.components import require
from tests.factories import MemberFactory, PlanFactory, TicketFactory
from tests.policy_harness import policy_process
from tests.waiting import mail_to, wait_for, worker_drained

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "gw-Secret-2026"


@pytest.fixture(scope="module")
def mail_gateway(django_db_setup, django_db_blocker):
    require(gateway.available(), "Postfix, Dovecot and swaks (Debian), run as root")
    from django.conf import settings

    require(bool(settings.OKBNET_POLICY_REDIS_URL), "Redis for the policy counters (CACHE_URL=redis://...)")
    with django_db_blocker.unblock(), policy_process() as bind:
        gw = gateway.Gateway(policy=bind, logins={})
        gw.start()
        try:
            yield gw
        finally:
            gw.stop()


@pytest.fixture
def gw(mail_gateway, policy_redis):
    return mail_gateway


def members(gw, *people):
    gw.write_logins({m.mail_address: PASSWORD for m in people})
    return people


def send(gw, member, *, sender=None, to=("friend@example.net",)):
    return gw.swaks(user=member.mail_address, password=PASSWORD, sender=sender or member.mail_address, to=list(to))


def test_an_active_member_is_accepted(gw):
    (taro,) = members(gw, MemberFactory())
    result = send(gw, taro)
    assert result.returncode == 0, result.stdout
    assert "250 2.0.0 Ok: queued" in result.stdout


def test_a_suspended_member_is_refused_with_the_support_center(gw, staff_user, settings):
    (taro,) = members(gw, MemberFactory())
    evidence = TicketFactory(member=taro, category="spam_report")
    member_enforce(member=taro, action="suspend", reason="spam", evidence_ticket=evidence, by=staff_user)
    result = send(gw, taro)
    assert result.returncode != 0
    assert "554 5.7.1" in result.stdout, result.stdout
    assert "support center" in result.stdout
    assert settings.OKBNET_SUPPORT_PHONE in result.stdout
    assert "250 2.0.0 Ok: queued" not in result.stdout


def test_another_members_sender_address_is_refused(gw):
    taro, hanako = members(gw, MemberFactory(), MemberFactory())
    result = send(gw, taro, sender=hanako.mail_address)
    assert result.returncode != 0
    assert "554 5.7.1" in result.stdout and "sender address" in result.stdout, result.stdout
    assert "250 2.0.0 Ok: queued" in send(gw, hanako).stdout  # hanako herself may


def test_the_message_over_the_quota_is_deferred_and_one_ticket_opened(gw, celery_worker):
    from support.models import Ticket

    (taro,) = members(gw, MemberFactory(plan=PlanFactory(send_quota_per_hour=2, send_quota_per_day=100)))
    first = send(gw, taro, to=("a@example.net", "b@example.net"))
    assert "250 2.0.0 Ok: queued" in first.stdout, first.stdout
    over = [send(gw, taro, to=(f"c{n}@example.net",)) for n in range(2)]
    for result in over:
        assert result.returncode != 0
        assert "450 4.7.1" in result.stdout, result.stdout
        assert "try again later" in result.stdout
    enforcement = Ticket.objects.filter(member=taro, category=Ticket.Category.ENFORCEMENT)
    wait_for(enforcement.exists, what="the enforcement ticket")
    worker_drained()
    assert enforcement.count() == 1
    assert "2" in enforcement.get().description
    assert len(wait_for(lambda: mail_to(taro.email), what="the member's e-mail")) == 1
