"""A worker SIGKILLed in the middle of a plan change: the request still ends `completed`, once.

Run by `.ci/run` (`python -m bench.kill_worker`) with DATABASE_URL (PostgreSQL) and
CELERY_BROKER_URL (Redis). Uses its own database (<name>_killtest) and a real worker process:

1. A request is saved (its message waits in Redis) and two rows are locked from outside:
   the member (the worker blocks right after claiming) and the ticket.
2. Worker 1 starts, claims the request, locks it; the member lock is released, so it allocates
   an address and then blocks writing the ticket step. Now it is half-way: SIGKILL its process group.
3. Worker 2 starts with a short visibility timeout (NOTES.md: 10 s, restore every 2 s); Redis
   hands the unacknowledged message back, and the request is completed exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench.common import celery_worker

ROOT = Path(__file__).resolve().parent.parent


def fail(message: str) -> None:
    print(f"FAIL: {message}", flush=True)
    raise SystemExit(1)


def wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    fail(f"timed out after {timeout:.0f} s waiting for {what}")


def main() -> None:
    db_url = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not db_url.startswith("postgres") or not broker.startswith("redis"):
        fail("set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)")
    import psycopg2

    parsed = urlparse(db_url)
    dbname = parsed.path.lstrip("/") + "_killtest"
    test_url = urlunparse(parsed._replace(path=f"/{dbname}"))
    admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{dbname}"')

    var_dir = tempfile.mkdtemp(prefix="okbnet-killtest-")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": test_url,
        "OKBNET_VAR_DIR": var_dir,
        "EMAIL_URL": "file://",
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "CELERY_UNACKED_RESTORE_INTERVAL": "2",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okbnet_portal.settings")
    django.setup()

    from accounts import services
    from accounts.demo import seed_plans
    from accounts.models import ConnectionPlan, Member, PlanChangeRequest
    from network.models import FixedAddress, IpAssignment
    from network.services import pool_create
    from okbnet_portal.celery import app

    app.control.purge()
    seed_plans()
    pool_create(name="kill test", network="192.0.2.0/29", kind="fixed", line_type="fibre")
    member = Member.objects.create(
        member_number="M9000001",
        name="試験 太郎",
        name_kana="シケン タロウ",
        phone="0859-99-0001",
        email="kill@example.jp",
        connection_username="okb9000001",
        plan=ConnectionPlan.objects.get(code="hikari-home"),
    )
    request = services.plan_change_request(member=member, by="kill-test")  # queued in Redis; no worker yet
    started = time.monotonic()

    def waiting_on(table: str) -> bool:
        with admin.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' AND query ILIKE %s",
                [dbname, f"%{table}%"],
            )
            return cur.fetchone()[0] > 0

    hold_member = psycopg2.connect(test_url)
    hold_ticket = psycopg2.connect(test_url)
    w1 = w2 = None
    try:
        with hold_member.cursor() as cur:
            cur.execute("SELECT 1 FROM accounts_member WHERE id = %s FOR UPDATE", [member.pk])
        w1 = celery_worker(env, "doomed")
        wait(lambda: waiting_on("accounts_member"), 60, "worker 1 to claim the request and wait for the member row")
        with hold_ticket.cursor() as cur:
            cur.execute("SELECT 1 FROM support_ticket WHERE id = %s FOR UPDATE", [request.ticket_id])
        hold_member.commit()
        wait(lambda: waiting_on("support_ticket"), 30, "worker 1 to allocate an address and wait on the ticket")
        os.killpg(w1.pid, signal.SIGKILL)
        w1.wait(timeout=10)
        print(f"worker 1 SIGKILLed half-way after {time.monotonic() - started:.1f} s", flush=True)
        hold_ticket.commit()

        request.refresh_from_db()
        if request.status != "processing" or FixedAddress.objects.filter(member__isnull=False).exists():
            fail(f"after the kill: status {request.status}, the half-done transaction must have rolled back")

        w2 = celery_worker(env, "rescuer")
        wait(
            lambda: PlanChangeRequest.objects.filter(pk=request.pk, status="completed").exists(),
            90,
            "worker 2 to get the message back from Redis and complete the request",
        )
        print(f"completed by worker 2 after {time.monotonic() - started:.1f} s", flush=True)
        mail_dir = Path(var_dir) / "mail"
        wait(lambda: mail_dir.exists() and any(mail_dir.iterdir()), 30, "the e-mail")
        time.sleep(3)  # a duplicate would show up by now

        request.refresh_from_db()
        member.refresh_from_db()
        events = request.ticket.events.filter(kind="system_step")
        checks = {
            "one address assigned": FixedAddress.objects.filter(member__isnull=False).count() == 1,
            "one assignment in the history": IpAssignment.objects.count() == 1,
            "member has the request's address": member.fixed_ip == request.fixed_ip,
            "member has the new user name": member.connection_username == request.new_connection_username,
            "member is on the fixed plan": member.plan.code == "hikari-home-fixed",
            "one 'address_allocated' step": events.filter(new_value="address_allocated").count() == 1,
            "one 'completed' step": events.filter(new_value="completed").count() == 1,
            "one e-mail": sum(f.read_bytes().count(b"\n" + b"-" * 79) for f in mail_dir.iterdir()) == 1,
        }
        for name, ok in checks.items():
            print(f"  {'ok  ' if ok else 'FAIL'} {name}", flush=True)
        if not all(checks.values()):
            fail("the request was not completed exactly once")
        print("kill_worker: the request completed exactly once", flush=True)
    finally:
        for proc in (w1, w2):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        hold_member.close()
        hold_ticket.close()
        from django.db import connections

        connections.close_all()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
