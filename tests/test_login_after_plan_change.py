"""After a completed fixed-IP change the member is not locked out: member number, e-mail, the new
user name, and the old one until its end date all log in; the completion page and the e-mail say
what changes, as numbered steps."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import PlanChangeRequest

from .factories import FixedPoolFactory, MemberFactory
from .test_plan_change_worker import finished, wait_for
from .waiting import worker_drained

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.fixture
def changed(celery_worker):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory(mail_address="taro@okbnet.ne.jp")
    old = member.connection_username
    request = services.plan_change_request(member=member, by=member.user)
    wait_for(lambda: finished(request.pk))
    wait_for(lambda: len(mail.outbox) == 1)
    # The change's follow-up on the worker (its RADIUS outbox entry, whose run queues the Disconnect)
    # is over before the test writes: on the embedded SQLite a worker transaction locks the tables
    # (seen: "database table is locked" with the Disconnect still running). Two pings, as in conftest.
    for _ in range(2):
        worker_drained()
    request.refresh_from_db()
    assert request.status == PlanChangeRequest.Status.COMPLETED
    member.refresh_from_db()
    return member, old, request


def _logs_in(client, login: str) -> bool:
    client.logout()
    response = client.post(reverse("login"), {"username": login, "password": PASSWORD})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db(transaction=True)
def test_every_log_in_name_works_and_the_old_one_until_its_end_date(client, changed):
    member, old, request = changed
    assert member.connection_username != old
    for login in (member.member_number, member.email, member.connection_username, old):
        assert _logs_in(client, login), login
    # The end date arrives (the new plan's first day): the old name stops, the others go on.
    PlanChangeRequest.objects.filter(pk=request.pk).update(effective_date=timezone.localdate())
    assert not _logs_in(client, old)
    for login in (member.member_number, member.email, member.connection_username):
        assert _logs_in(client, login), login


@pytest.mark.django_db(transaction=True)
def test_the_completion_page_and_the_email_list_what_changes(client, changed):
    member, old, request = changed
    client.force_login(member.user)
    html = client.get(reverse("plan-fixed-ip")).content.decode()
    steps = re.search(r'<ol class="steps what-changes".*?</ol>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", steps, re.S)
    assert len(items) == 4
    date = f"{request.effective_date.year}年{request.effective_date.month}月{request.effective_date.day}日"
    assert old in items[0] and member.connection_username in items[0] and date in items[0]
    assert "ルーター" in items[0]
    assert "taro@okbnet.ne.jp" in items[1] and "SMTP" in items[1]
    assert member.member_number in items[2]
    assert f"{member.plan.monthly_fee:,}円" in items[3]
    text = mail.outbox[0].body
    numbered = re.findall(r"^(\d)\. (.+)$", text, re.M)
    assert [n for n, _line in numbered] == ["1", "2", "3", "4"]
    assert old in numbered[0][1] and date in numbered[0][1] and "¥" not in text
    html_mail = mail.outbox[0].alternatives[0][0]
    assert html_mail.count("<li>") == 4
