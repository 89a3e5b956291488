"""The plan-change services, called directly (the worker path is in test_plan_change_worker)."""

import datetime

import pytest

from accounts import services
from accounts.models import Member, PlanChangeRequest
from network.models import FixedAddress, RadiusOutbox, RadiusRetiredName
from network.policy import directory_changed

from .factories import FixedPoolFactory, MemberFactory, PlanFactory, StaffFactory


@pytest.fixture
def member(db):
    FixedPoolFactory(network="192.0.2.0/29")
    return MemberFactory()


def test_the_next_billing_date_is_the_first_of_next_month():
    assert services.next_billing_date(datetime.date(2026, 11, 28)) == datetime.date(2026, 12, 1)
    assert services.next_billing_date(datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 1)
    assert services.next_billing_date(datetime.date(2027, 1, 31)) == datetime.date(2027, 2, 1)


def test_a_request_opens_a_plan_change_ticket_in_the_same_transaction(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        request = services.plan_change_request(member=member, by=member.user)
    assert len(callbacks) == 1  # the task is queued only after commit
    assert request.status == "submitted"
    assert request.target_plan == member.plan.fixed_variant
    assert request.ticket.category == "plan_change" and request.ticket.member == member
    assert request.ticket.events.filter(kind="system_step", new_value="received").exists()


def test_it_refuses_a_second_open_request(member):
    services.plan_change_request(member=member, by=member.user)
    with pytest.raises(services.OpenRequestExists):
        services.plan_change_request(member=member, by=member.user)
    assert PlanChangeRequest.objects.filter(member=member).count() == 1


def test_the_database_refuses_a_second_open_request_too(member):
    first = services.plan_change_request(member=member, by=None)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PlanChangeRequest.objects.create(
            member=member,
            from_plan=member.plan,
            effective_date=first.effective_date,
            ticket=first.ticket,
            requested_by="x",
        )


def test_a_member_already_on_a_fixed_plan_cannot_ask(member):
    member.plan = member.plan.fixed_variant
    member.save()
    with pytest.raises(services.PlanChangeInvalid):
        services.plan_change_request(member=member, by=None)


def test_processing_completes_with_address_username_and_plan(member, django_capture_on_commit_callbacks):
    request = services.plan_change_request(member=member, by=None)
    with django_capture_on_commit_callbacks() as callbacks:
        services.plan_change_process(request_id=request.pk)
    request.refresh_from_db()
    member.refresh_from_db()
    assert request.status == "completed"
    assert member.plan.ip_type == "fixed" and member.plan.monthly_fee == 8030
    assert member.fixed_ip == request.fixed_ip == FixedAddress.objects.get(member=member).address
    assert member.connection_username == request.new_connection_username != request.old_connection_username
    assert [s["step"] for s in request.steps][-1] == "completed"
    # the e-mail and the RADIUS outbox entry's task (the member's save also tells the mail
    # gateway's policy service, network.policy)
    assert len([c for c in callbacks if c is not directory_changed]) == 2
    (entry,) = RadiusOutbox.objects.filter(member=member)
    assert set(entry.usernames) == {request.old_connection_username, request.new_connection_username}
    assert entry.disconnect_usernames == [request.old_connection_username]
    assert RadiusRetiredName.objects.get(username=request.old_connection_username).until == request.effective_date
    request.ticket.refresh_from_db()
    assert request.ticket.status == "resolved"


def test_processing_twice_does_the_work_once(member):
    request = services.plan_change_request(member=member, by=None)
    services.plan_change_process(request_id=request.pk)
    assert services.plan_change_process(request_id=request.pk) is None
    assert FixedAddress.objects.filter(member__isnull=False).count() == 1
    assert request.ticket.events.filter(new_value="completed").count() == 1


def test_a_request_left_processing_by_a_dead_worker_is_finished_by_the_next_delivery(member):
    request = services.plan_change_request(member=member, by=None)
    PlanChangeRequest.objects.filter(pk=request.pk).update(status="processing")  # claimed, then killed
    services.plan_change_process(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "completed"


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("suspend", "member_suspended"),
        ("exhaust", "pool_exhausted"),
        ("no_variant", "no_fixed_variant"),
    ],
)
def test_permanent_failures_end_failed_and_need_a_person(db, setup, reason):
    member = MemberFactory(plan=PlanFactory(fixed_variant=None) if setup == "no_variant" else PlanFactory())
    if setup != "exhaust":
        FixedPoolFactory(network="192.0.2.0/29")
    request = services.plan_change_request(member=member, by=None)
    if setup == "suspend":
        Member.objects.filter(pk=member.pk).update(status="suspended")
    services.plan_change_process(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "failed" and request.failure_reason == reason
    ticket = request.ticket
    ticket.refresh_from_db()
    assert ticket.needs_attention and ticket.status == "open"
    assert FixedAddress.objects.filter(member=member).count() == 0


def test_staff_retry_sends_a_failed_request_through_again(db):
    member = MemberFactory()
    request = services.plan_change_request(member=member, by=None)
    services.plan_change_process(request_id=request.pk)  # no pool yet: exhausted
    FixedPoolFactory(network="192.0.2.0/29")
    staff = StaffFactory()
    services.plan_change_retry(request=request, by=staff)
    services.plan_change_process(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "completed"
    assert request.ticket.events.filter(new_value="retried", actor_name=staff.username).exists()
    with pytest.raises(services.RequestNotRetryable):
        services.plan_change_retry(request=request, by=staff)


def test_the_member_can_cancel_before_processing_but_not_after(member):
    request = services.plan_change_request(member=member, by=member.user)
    services.plan_change_cancel(request=request, by=member.user)
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert services.plan_change_process(request_id=request.pk) is None
    second = services.plan_change_request(member=member, by=member.user)  # cancelled is not open
    services.plan_change_process(request_id=second.pk)
    with pytest.raises(services.RequestNotCancellable):
        services.plan_change_cancel(request=second, by=member.user)


def test_new_user_names_stay_unique(db):
    a = MemberFactory(member_number="M1")
    MemberFactory(connection_username="okbf1")
    assert services.new_connection_username(a) == "okbf1-2"


def test_the_sweep_requeues_requests_left_submitted(member, django_capture_on_commit_callbacks):
    request = services.plan_change_request(member=member, by=None)
    old = request.updated_at - datetime.timedelta(minutes=5)
    PlanChangeRequest.objects.filter(pk=request.pk).update(updated_at=old)
    assert services.plan_change_requeue_stuck() == [request.pk]
