"""The broker is down when a request is saved: the saved row is the truth, the answer comes at once.

Every after-commit queueing goes through okbnet_portal.enqueue.enqueue_on_commit, which logs a
failure to queue and never raises; the sweep (or the next request) picks the work up later.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.models import PlanChangeRequest
from accounts.tasks import sweep_plan_changes
from mailsettings.models import DnsCheck
from mailsettings.services import dns_check_request
from network.models import RadiusOutbox, RefusedSource
from network.services import refusal_add
from okbnet_portal.emails import email_queue
from support.abuse.services import member_enforce

from .factories import FixedPoolFactory, MemberFactory, TicketFactory
from .waiting import mail_to, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE_LOG = "okbnet.enqueue"


def _finished(pk: int) -> bool:
    return PlanChangeRequest.objects.filter(pk=pk).exclude(status__in=PlanChangeRequest.OPEN_STATUSES).exists()


def test_plan_changes_on_the_page_and_the_api_are_saved_then_completed_once_the_broker_is_back(
    client, api, broker_down, celery_worker, caplog
):
    FixedPoolFactory(network="192.0.2.0/29")
    on_page, by_api = MemberFactory(), MemberFactory()

    with caplog.at_level("WARNING", logger=QUEUE_LOG):
        client.force_login(on_page.user)
        page = client.post("/mypage/plan/fixed-ip/", {"confirm": "on"}, HTTP_ACCEPT_LANGUAGE="en")
        answer = api.post("/api/v1/plan-change-requests/", {"member_number": by_api.member_number}, format="json")

    assert page.status_code == 302
    shown = client.get(page["Location"]).content.decode()
    assert "Processing may be delayed" in shown or "処理が遅れる" in shown
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "submitted" and body["notice"]
    saved = {PlanChangeRequest.objects.get(member=on_page).pk, body["id"]}
    assert PlanChangeRequest.objects.filter(pk__in=saved, status="submitted").count() == 2
    assert [r.name for r in caplog.records].count(QUEUE_LOG) == 2  # logged, not raised

    # The broker is back; beat's sweep re-queues requests left `submitted` for a while.
    broker_down.back()
    PlanChangeRequest.objects.filter(pk__in=saved).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert set(sweep_plan_changes.delay().get(timeout=30)) == saved
    for pk in saved:
        wait_for(lambda pk=pk: _finished(pk), what=f"request {pk} to finish")
    assert set(PlanChangeRequest.objects.filter(pk__in=saved).values_list("status", flat=True)) == {"completed"}
    wait_for(lambda: mail_to(on_page.email) and mail_to(by_api.email), what="both notices")


def test_every_other_after_commit_queueing_is_logged_not_raised(broker_down, staff_user, caplog):
    member = MemberFactory(email="late@example.jp")
    evidence = TicketFactory(member=member, category="spam_report")
    with caplog.at_level("WARNING", logger=QUEUE_LOG):
        with transaction.atomic():
            email_queue(template="accounts/emails/plan_change_completed", to=["x@example.jp"], context={})
        check = dns_check_request(domain="example.jp", kind=DnsCheck.Kind.PROVIDER)
        refusal_add(kind="network", value="198.18.0.0/15", reason="test", by=staff_user)
        action = member_enforce(member=member, action="suspend", reason="spam", evidence_ticket=evidence, by=staff_user)
    assert DnsCheck.objects.filter(pk=check.pk).exists()
    assert RefusedSource.objects.filter(value="198.18.0.0/15").exists()
    assert action.pk and not mail.outbox
    queued = [r.getMessage() for r in caplog.records if r.name == QUEUE_LOG]
    assert len(queued) == 5, queued  # the e-mail, DNS check, refusal tables, enforcement e-mail, RADIUS outbox
    assert RadiusOutbox.objects.filter(member=member, applied_at__isnull=True).exists()  # beat's sweep applies it
