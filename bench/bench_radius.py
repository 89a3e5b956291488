"""A fixed-IP plan change end to end including RADIUS, as a ratio to the same change without it.

With RADIUS: the request is saved, the worker's service carries it out, the outbox entry is
applied to FreeRADIUS's tables, and a real FreeRADIUS (tests/freeradius.py, its `sql` module on
this benchmark's database) accepts the new user name with the fixed address. Without: the same
request and service with the provisioning hook switched off. Sides alternate, each round on fresh
members; medians of the per-change time. Needs DATABASE_URL (PostgreSQL) and freeradius; uses its
own database (<name>_bench_radius), dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse, urlunparse

from bench import common
from bench.common import ROOT

sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_RADIUS_CHANGES", "150"))
ROUNDS = int(os.environ.get("BENCH_RADIUS_ROUNDS", "3"))


def run() -> list[dict]:
    figures = measure()
    ratio = figures["ratio"] if figures else None
    note = "" if figures else "needs PostgreSQL and freeradius"
    return [common.row("plan change with RADIUS / without", ratio, None, at_least=False, note=note)]


def measure() -> dict | None:
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith("postgres") or not (shutil.which("freeradius") or os.path.exists("/usr/sbin/freeradius")):
        print("skipped: set DATABASE_URL (PostgreSQL) and install freeradius to run this benchmark")
        return None
    import psycopg2

    parsed = urlparse(db_url)
    dbname = parsed.path.lstrip("/") + "_bench_radius"
    admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{dbname}"')
    var_dir = tempfile.mkdtemp(prefix="okbnet-bench-radius-")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": urlunparse(parsed._replace(path=f"/{dbname}")),
        "OKBNET_VAR_DIR": var_dir,  # the filesystem broker under it: queued tasks are not run here
        "EMAIL_URL": "file://",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("RADIUS_DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.clear()
    os.environ.update(env)
    try:
        return _measure()
    finally:
        from django.db import connections

        connections.close_all()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _measure() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okbnet_portal.settings")
    django.setup()
    from django.db import connection
    from pyrad import packet

    from accounts import services
    from accounts.demo import seed_plans
    from accounts.models import ConnectionPlan, Member
    from network import provisioning
    from network.models import RadiusOutbox
    from network.passwords import password_hash
    from network.services import pool_create
    from tests.freeradius import FreeRadiusServer

    seed_plans()
    pool_create(name="bench", network="10.30.0.0/20", kind="fixed", line_type="fibre")
    plan = ConnectionPlan.objects.get(code="hikari-home")
    hashed = password_hash("Setsuzoku2026")
    Member.objects.bulk_create(
        Member(
            member_number=f"R{n:07d}",
            name=f"ベンチ {n}",
            name_kana="ベンチ",
            phone="0859-00-0000",
            email=f"radius{n}@example.jp",
            connection_username=f"radius{n:07d}",
            connection_password_hash=hashed,
            plan=plan,
        )
        for n in range(N * ROUNDS * 2)
    )
    members = iter(list(Member.objects.order_by("pk")))
    hook = provisioning.member_plan_changed
    times: dict[str, list[float]] = {"with RADIUS": [], "without": []}

    with FreeRadiusServer(connection.settings_dict) as radius:

        def change(member, with_radius: bool) -> None:
            request = services.plan_change_request(member=member, by=None)
            services.plan_change_process(request_id=request.pk)
            if with_radius:
                entry = RadiusOutbox.objects.filter(member=member).latest("id")
                provisioning.outbox_apply(entry_id=entry.pk)
                member.refresh_from_db()
                reply = radius.access(member.connection_username, "Setsuzoku2026")
                assert reply.code == packet.AccessAccept and reply["Framed-IP-Address"] == [member.fixed_ip]

        for _round in range(ROUNDS):
            for side in ("without", "with RADIUS") if _round % 2 else ("with RADIUS", "without"):
                with_radius = side == "with RADIUS"
                # The baseline: the same change with the provisioning hook switched off.
                provisioning.member_plan_changed = hook if with_radius else (lambda **kwargs: None)
                batch = [next(members) for _ in range(N)]
                for member in batch:
                    started = time.perf_counter()
                    change(member, with_radius)
                    times[side].append(time.perf_counter() - started)
        provisioning.member_plan_changed = hook

    with_ms = statistics.median(times["with RADIUS"]) * 1000
    without_ms = statistics.median(times["without"]) * 1000
    figures = {"with_radius_ms": with_ms, "without_ms": without_ms, "ratio": with_ms / without_ms}
    print(
        f"plan change end to end, median of {N * ROUNDS} each: with RADIUS {with_ms:.1f} ms "
        f"(outbox applied + FreeRADIUS Access-Accept), without {without_ms:.1f} ms; "
        f"ratio with/without {figures['ratio']:.2f}"
    )
    return figures


def main() -> None:
    run()
