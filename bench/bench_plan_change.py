"""1,000 fixed-IP plan changes end to end (request saved → worker completes it → e-mail sent)
with two worker processes, as a ratio to 1,000 no-op tasks through the same broker and the
same workers in the same run (goal <= 6×). Needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL
(Redis); uses its own database (<DATABASE_URL name>_plan_change), dropped at the end.

Profile (statements counted with CaptureQueriesContext on PostgreSQL, one change), before:
the request 15 statements in one transaction; the worker 37 statements and 5 commits (the claim,
a read of the ticket id and the "processing" step each in autocommit, then one transaction with
an INSERT and an UPDATE of the ticket for every one of six steps, a lazy read of the old plan and
one of the ticket), and then a second task on the broker for the e-mail. Now: the request 14
(the plan and its fixed variant in one query); the worker 24 in two commits (the claim alone; then
the work, with the request, both plans and the ticket in one query and the ticket's seven steps in
one INSERT), and it sends the notice itself right after commit (the e-mail task is queued only if
the mail server cannot be reached). Before → after on this machine, same conditions: 9.5× → 7.2×
with the first two changes. The floor: a plan change is one publish and one task like the no-op,
plus about 40 statements in three commits (request and worker) on a shared PostgreSQL, the
template rendering of the e-mail (three templates) and its delivery; on a loaded machine every
statement is also a wait for the CPU, which the no-op task never pays.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .common import alternate, celery_worker, child, emit, own_database, row

N = int(os.environ.get("BENCH_PLAN_CHANGES", "1000"))
ROUNDS = int(os.environ.get("BENCH_PLAN_CHANGE_ROUNDS", "2"))


def _workers(env: dict[str, str]) -> list[subprocess.Popen]:
    return [celery_worker(env, f"bench{i}", stdout=subprocess.DEVNULL) for i in (1, 2)]


def run() -> list[dict]:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        raise SystemExit("bench_plan_change needs CELERY_BROKER_URL (Redis) and DATABASE_URL (PostgreSQL)")
    with own_database("plan_change", DJANGO_DEBUG="1", EMAIL_URL="file://", DJANGO_LOG_LEVEL="WARNING") as environ:
        return child("bench.bench_plan_change", "measure", environ=environ)


def measure() -> None:
    """In a child process whose environment points at the benchmark's own database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okbnet_portal.settings")
    django.setup()
    var_dir = os.environ["OKBNET_VAR_DIR"]
    env = dict(os.environ)
    from accounts import services
    from accounts.demo import seed_plans
    from accounts.models import ConnectionPlan, Member, PlanChangeRequest
    from network.services import pool_create
    from okbnet_portal.celery import app, ping

    app.control.purge()
    seed_plans()
    pool_create(name="bench", network="10.20.0.0/20", kind="fixed", line_type="fibre")  # 4,094 addresses
    plan = ConnectionPlan.objects.get(code="hikari-home")
    Member.objects.bulk_create(
        Member(
            member_number=f"B{n:07d}",
            name=f"ベンチ {n}",
            name_kana="ベンチ",
            phone="0859-00-0000",
            email=f"bench{n}@example.jp",
            connection_username=f"bench{n:07d}",
            plan=plan,
        )
        for n in range(N * ROUNDS)
    )
    batches = iter([list(Member.objects.order_by("pk")[i * N : (i + 1) * N]) for i in range(ROUNDS)])
    mail_dir = Path(var_dir) / "mail"
    procs = _workers(env)

    def mails() -> int:
        """Messages written by Django's file back-end (several can share one file)."""
        if not mail_dir.exists():
            return 0
        return sum(f.read_bytes().count(b"\n" + b"-" * 79) for f in mail_dir.iterdir())

    def plan_changes() -> float:
        members, before = next(batches), mails()
        started = time.perf_counter()
        ids = [services.plan_change_request(member=m, by="bench").pk for m in members]
        while PlanChangeRequest.objects.filter(pk__in=ids, status="completed").count() < N or mails() - before < N:
            if time.monotonic() > deadline:
                raise RuntimeError("plan changes did not finish in time")
            time.sleep(0.05)
        return time.perf_counter() - started

    def no_ops() -> float:
        started = time.perf_counter()
        results = [ping.delay() for _ in range(N)]
        for r in results:
            r.get(timeout=300)
        return time.perf_counter() - started

    try:
        ping.delay().get(timeout=60)  # both workers up
        deadline = time.monotonic() + 600
        medians = alternate({"no-op tasks": no_ops, "plan changes": plan_changes}, rounds=ROUNDS)
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
        from django.db import connections

        connections.close_all()
    noop, plans = medians["no-op tasks"], medians["plan changes"]
    print(f"{N} no-op tasks, 2 worker processes:   {noop:6.1f} s  ({N / noop:7.1f} tasks/s)")
    print(f"{N} plan changes end to end (+e-mail): {plans:6.1f} s  ({N / plans:7.1f} changes/s)")
    print(f"ratio plan change / no-op task:        {plans / noop:6.1f}x  (median of {ROUNDS} alternating rounds)")
    emit([row(f"{N:,} plan changes end to end / {N:,} no-op tasks (time)", plans / noop, 6, at_least=False, unit="×")])


if __name__ == "__main__" and sys.argv[1:] == ["measure"]:
    measure()
