"""The RADIUS session-log import of a 1,000,000-row file, as a ratio to a bare COPY.

Baseline: PostgreSQL's COPY of the same CSV rows into a plain table (text, inet, timestamptz,
no index, no checks) — the floor of any import. Ours: the worker's whole path
(network.services.session_log_process): read the stored upload, check every line, resolve the
members, COPY into the stage table in chunks with progress, then publish into the sessions in one
transaction. Both sides alternate, the median of each is reported.

Runs in its own database (<DATABASE_URL name>_import) in a child process with its own
environment, so nothing leaks into the other benchmarks. BENCH_IMPORT_ROWS changes the size.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time

from .common import child, emit, own_database, row

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
MEMBERS = 5000
ROUNDS = 3


def make_file(rows: int) -> bytes:
    """A realistic accounting export: one session a row, a few hours long, spread over a month."""
    out = io.StringIO()
    out.write("username,address,start,stop\n")
    for i in range(rows):
        day, minute = 1 + i % 28, (i // 28) % 1200  # starts before 20:00, stops at 23:59
        start = f"2026-10-{day:02d} {minute // 60:02d}:{minute % 60:02d}:{i % 60:02d}"
        stop = "" if i % 10 == 0 else f"2026-10-{day:02d} 23:59:{i % 60:02d}"
        out.write(f"okb{i % MEMBERS:07d},10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256},{start},{stop}\n")
    return out.getvalue().encode()


def measure() -> None:
    import django

    django.setup()
    from django.db import connection

    from accounts.models import ConnectionPlan, Member
    from network.models import RadiusSession, SessionImport, SessionUpload
    from network.services import session_log_process

    plan = ConnectionPlan.objects.order_by("pk").first() or ConnectionPlan.objects.create(
        code="bench", name="bench", name_en="bench", ip_type="dynamic", monthly_fee=0, line_type="fibre"
    )
    Member.objects.bulk_create(
        [
            Member(
                member_number=f"B{i:07d}",
                name=f"bench {i}",
                name_kana="ベンチ",
                phone=f"0859{i:06d}",
                connection_username=f"okb{i:07d}",
                email=f"bench{i}@example.jp",
                mail_address=f"bench{i}@okbnet.ne.jp",
                plan=plan,
            )
            for i in range(MEMBERS)
        ],
        ignore_conflicts=True,
    )
    data = make_file(ROWS)
    body = data.split(b"\n", 1)[1].decode()
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_plain (username text, address inet, started_at timestamptz, "
            "stopped_at timestamptz)"
        )

    def bare_copy() -> float:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE bench_plain")
            t0 = time.perf_counter()
            cur.copy_expert("COPY bench_plain FROM STDIN WITH (FORMAT csv, NULL '')", io.StringIO(body))
            return time.perf_counter() - t0

    def ours() -> float:
        RadiusSession.objects.all().delete()
        batch = SessionImport.objects.create(filename="bench.csv", status="queued", total_rows=ROWS)
        SessionUpload.objects.create(session_import=batch, data=data)
        t0 = time.perf_counter()
        session_log_process(import_id=batch.pk)
        elapsed = time.perf_counter() - t0
        batch.refresh_from_db()
        assert (batch.status, batch.rows) == ("completed", ROWS), (batch.status, batch.rows, batch.errors[:3])
        return elapsed

    times: dict[str, list[float]] = {"copy": [], "import": []}
    for _ in range(ROUNDS):
        times["copy"].append(bare_copy())
        times["import"].append(ours())
    copy_rate = ROWS / statistics.median(times["copy"])
    import_rate = ROWS / statistics.median(times["import"])
    print(f"file: {ROWS:,} rows, {len(data) / 1e6:.1f} MB, {MEMBERS:,} members")
    print(f"bare COPY into a plain table:     {copy_rate:10,.0f} rows/s (median of {ROUNDS})")
    print(
        f"session-log import (worker path): {import_rate:10,.0f} rows/s = {import_rate / copy_rate:.3f} × bare COPY "
        f"(median {statistics.median(times['import']):.1f} s: check, stage COPY, publish)"
    )
    emit(
        [row(f"session-log import of {ROWS:,} rows / bare COPY (rows/s)", import_rate / copy_rate, None, at_least=True)]
    )


def run() -> list[dict]:
    with own_database("import", CACHE_URL="", CELERY_BROKER_URL="memory://", BENCH_IMPORT_ROWS=str(ROWS)) as environ:
        return child("bench.bench_session_import", "measure", environ=environ)


if __name__ == "__main__" and sys.argv[1:] == ["measure"]:
    measure()
