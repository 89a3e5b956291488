"""The plan change end to end through the real broker and a real worker (DESIGN §8)."""

import pytest

from accounts import services
from accounts.models import PlanChangeRequest
from accounts.tasks import process_plan_change
from network.models import FixedAddress, IpAssignment

from .factories import FixedPoolFactory, MemberFactory
from .waiting import mail_to, wait_for, worker_drained


def finished(pk: int) -> bool:
    return PlanChangeRequest.objects.filter(pk=pk).exclude(status__in=PlanChangeRequest.OPEN_STATUSES).exists()


@pytest.mark.django_db(transaction=True)
def test_a_request_reaches_completed_with_address_user_name_fee_history_and_email(celery_worker):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    old_username = member.connection_username
    request = services.plan_change_request(member=member, by=member.user)
    wait_for(lambda: finished(request.pk))
    request.refresh_from_db()
    member.refresh_from_db()
    assert request.status == "completed"
    assert FixedAddress.objects.filter(member=member).count() == 1
    assert member.fixed_ip == request.fixed_ip
    assert member.connection_username == request.new_connection_username != old_username
    assert member.plan.ip_type == "fixed" and member.plan.monthly_fee == 8030
    steps = list(request.ticket.events.filter(kind="system_step").values_list("new_value", flat=True))
    assert steps == [
        "received",
        "processing",
        "address_allocated",
        "username_issued",
        "plan_switched",
        "email_queued",
        "completed",
    ]
    request.ticket.refresh_from_db()
    assert request.ticket.status == "resolved"
    # Only this member's mail: a late e-mail of an earlier test's worker job may land here too.
    (message,) = wait_for(lambda: mail_to(member.email), what="the notice")
    assert message.to == [member.email]
    assert request.new_connection_username in message.body and request.fixed_ip in message.body
    assert request.fixed_ip in message.alternatives[0][0]


@pytest.mark.django_db(transaction=True)
def test_a_task_delivered_twice_does_the_work_once(celery_worker):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    request = services.plan_change_request(member=member, by=None)
    second = process_plan_change.delay(request.pk)  # the broker delivers it again
    third = process_plan_change.delay(request.pk)
    assert {second.get(timeout=30), third.get(timeout=30)} <= {"completed", "nothing_to_do"}
    wait_for(lambda: finished(request.pk))
    assert FixedAddress.objects.filter(member__isnull=False).count() == 1
    assert IpAssignment.objects.count() == 1
    assert request.ticket.events.filter(new_value="completed").count() == 1
    assert PlanChangeRequest.objects.get(pk=request.pk).status == "completed"
    wait_for(lambda: mail_to(member.email), what="the notice")
    worker_drained()  # a second notice, had either duplicate queued one, would have been sent by now
    assert len(mail_to(member.email)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_fails_an_exhausted_request_and_flags_the_ticket(celery_worker):
    member = MemberFactory()  # no pool at all
    request = services.plan_change_request(member=member, by=None)
    wait_for(lambda: finished(request.pk))
    request.refresh_from_db()
    assert (request.status, request.failure_reason) == ("failed", "pool_exhausted")
    request.ticket.refresh_from_db()
    assert request.ticket.needs_attention


@pytest.mark.django_db(transaction=True)
def test_the_sweep_task_requeues_a_request_the_broker_never_got(celery_worker):
    from datetime import timedelta

    from accounts.tasks import sweep_plan_changes

    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    # Saved, but its message was lost (broker down at commit): the row is all there is.
    request = services.plan_change_request(member=member, by=None)
    wait_for(lambda: finished(request.pk))
    other = MemberFactory()
    lost = PlanChangeRequest.objects.create(
        member=other,
        from_plan=other.plan,
        target_plan=other.plan.fixed_variant,
        effective_date=request.effective_date,
        ticket=request.ticket,
        requested_by="test",
    )
    PlanChangeRequest.objects.filter(pk=lost.pk).update(updated_at=lost.updated_at - timedelta(minutes=5))
    assert sweep_plan_changes.delay().get(timeout=30) == [lost.pk]
    wait_for(lambda: finished(lost.pk))
    lost.refresh_from_db()
    assert (lost.status, lost.failure_reason, lost.failure_detail) == ("completed", "", "")
