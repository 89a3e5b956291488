"""Many requests and many workers at once, on PostgreSQL: threads with their own connections
call the same services the web views and the Celery task call."""

import random
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Member, PlanChangeRequest
from network.models import FixedAddress, IpAssignment

from .components import require
from .factories import FixedPoolFactory, MemberFactory, PlanFactory
from .waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres():
    require(settings.IS_POSTGRES, "PostgreSQL (set DATABASE_URL) for row locks and SKIP LOCKED")


def run_at_once(jobs: list, *, done: list | None = None) -> list:
    """Run callables in threads that start together; each thread has its own DB connection.
    `done` gets an item as each thread ends (with its result or its exception)."""
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i, job):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:
            results[i] = exc
            exc.db_name = connection.settings_dict["NAME"]
        finally:
            connection.close()
            if done is not None:
                done.append(i)

    pool = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    return results


def test_fifty_simultaneous_requests_by_one_member_leave_exactly_one_open(celery_worker):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    results = run_at_once([lambda: services.plan_change_request(member=member, by=None) for _ in range(50)])
    made = [r for r in results if isinstance(r, PlanChangeRequest)]
    refused = [r for r in results if isinstance(r, services.OpenRequestExists | services.PlanChangeInvalid)]
    assert len(made) == 1 and len(refused) == 49, [
        (r, getattr(r, "db_name", None), connection.settings_dict["NAME"]) for r in results if isinstance(r, Exception)
    ][:3]
    assert PlanChangeRequest.objects.filter(member=member).count() == 1
    wait_until_finished()


def test_forty_members_against_a_pool_of_twenty_five_get_twenty_five_addresses(celery_worker):
    pool = FixedPoolFactory(network="192.0.2.0/27")  # 30 usable
    FixedAddress.objects.filter(pk__in=list(pool.addresses.order_by("-id").values_list("pk", flat=True)[:5])).delete()
    assert pool.addresses.count() == 25
    plan = PlanFactory()
    members = MemberFactory.create_batch(40, plan=plan)
    made = run_at_once([lambda m=m: services.plan_change_request(member=m, by=None) for m in members])
    assert all(isinstance(r, PlanChangeRequest) for r in made), made[:3]
    ids = [r.pk for r in made]

    # Eight "workers", each handed every request in its own order: every task is delivered many times.
    def worker():
        order = random.sample(ids, len(ids))
        return [services.plan_change_process(request_id=pk) for pk in order]

    outcomes = run_at_once([worker for _ in range(8)])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    wait_until_finished()

    requests = PlanChangeRequest.objects.filter(pk__in=ids)
    assert requests.filter(status="completed").count() == 25
    assert requests.filter(status="failed", failure_reason="pool_exhausted").count() == 15
    given = list(requests.filter(status="completed").values_list("fixed_ip", flat=True))
    assert len(set(given)) == 25
    assert FixedAddress.objects.filter(member__isnull=False).count() == 25
    assert IpAssignment.objects.count() == 25
    assert Member.objects.filter(fixed_ip__isnull=False).count() == 25
    usernames = Member.objects.filter(fixed_ip__isnull=False).values_list("connection_username", flat=True)
    assert len(set(usernames)) == 25
    for request in requests.select_related("ticket"):
        assert request.ticket.events.filter(new_value__in=["completed", "failed"]).count() == 1


def wait_until_finished(timeout: float = 60) -> None:
    """The live test worker does the queued work; the test fails if it is not done in time."""
    wait_for(
        lambda: not PlanChangeRequest.objects.filter(status__in=PlanChangeRequest.OPEN_STATUSES).exists(),
        timeout=timeout,
        what="the worker to finish every open plan-change request",
    )


def _waiting_on_a_lock() -> int:
    """Sessions of the test database waiting on a lock (read inside a transaction: the statistics
    snapshot is cleared first, or it would stay as it was at the first read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_fifty_api_requests_while_a_worker_switches_the_member_are_refused_never_a_500(api_key):
    """The worker's transaction holds the member and has switched its plan; fifty API requests
    wait on the member lock. When it commits, each must see the new plan (400) — before the fix
    PostgreSQL re-checked the locked row against the old plan row of the join and the lock found
    no member at all (Member.DoesNotExist, a 500)."""
    member = MemberFactory()
    fixed = member.plan.fixed_variant
    n = 50

    answered = []  # threads that are done (none can answer while the worker holds the member)

    def post():
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key}")
        return client.post("/api/v1/plan-change-requests/", {"member_number": member.member_number}, format="json")

    locked, worker_result = threading.Event(), []

    def worker():
        try:
            with transaction.atomic():
                Member.objects.select_for_update().get(pk=member.pk)
                Member.objects.filter(pk=member.pk).update(plan=fixed, connection_username=f"okbf-{member.pk}")
                locked.set()
                wait_for(
                    lambda: _waiting_on_a_lock() + len(answered) >= n,
                    timeout=60,
                    what="the API requests to wait on the lock",
                )
            worker_result.append("switched")
        except Exception as exc:
            worker_result.append(exc)
        finally:
            locked.set()
            connection.close()

    switching = threading.Thread(target=worker)
    switching.start()
    assert locked.wait(timeout=30)
    results = run_at_once([post for _ in range(n)], done=answered)
    switching.join(timeout=120)
    answers = [
        (r.status_code, r.json() if r["Content-Type"] == "application/json" else r.content[:200])
        if hasattr(r, "status_code")
        else r
        for r in results
    ]
    assert worker_result == ["switched"], (worker_result, [a for a in answers if not isinstance(a, tuple)][:3])
    assert all(isinstance(a, tuple) and a[0] in (400, 409) for a in answers), [
        a for a in answers if not (isinstance(a, tuple) and a[0] in (400, 409))
    ][:3]
    assert {a[0] for a in answers} == {400}  # the member is on the fixed-IP plan now
    assert all("target_plan" in body for _status, body in answers)
    assert not PlanChangeRequest.objects.filter(member=member).exists()
