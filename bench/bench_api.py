"""Call-center API at scale: member search over 1,000,000 generated members on PostgreSQL.

Creates its own database (<DATABASE_URL name>_api, dropped at the end; never a test database), loads
the members with COPY, then measures, alternating sides in rounds:
- in-process (the selector's SQL, as the view runs it): p50/p95 of exact and partial searches
  as a ratio to a primary-key fetch of the same row shape (goals, p95: exact <= 1.5, partial <= 3);
  it prints EXPLAIN (ANALYZE, BUFFERS) of two partial searches;
- over HTTP on gunicorn: the search endpoint against the member-detail endpoint (no goal);
- the staff member search (/staff/members/?q=, the same selector, 25 rows a page, no count):
  p95 as a ratio to the primary-key fetch (same goals);
- the ticket list (`/api/v1/tickets/?page_size=100`, with its API key) in requests per second
  (wrk) as a ratio to a bare values() + JsonResponse view of the same 100 rows (goal >= 0.7).

Profile. Partial search: EXPLAIN shows a BitmapOr of the two pg_trgm GIN indexes
(member_name_trgm_idx, member_name_kana_trgm_idx), a bitmap heap scan of the few matching rows and
a sort of them, executed in under 1 ms with about 45 buffers: the plan is the right one and was
left alone. Exact search: one UNION ALL query (a BitmapOr of the member number, user name,
UPPER(e-mail) and phone-key b-trees, plus the old user names' semi-join) against one primary-key
probe: four to five index probes, a larger query to compile and plan; on a loaded machine each
costs CPU waits the primary-key fetch does not have. Its floor sits near 2× the primary-key fetch
unless the query's shape picks the one key it can be (not done: it would change who is found for
a user name that looks like another key).
Quiet machine, 2026-12-02 (`make bench`): exact p95 2.32×, partial p95 4.96× (p50 2.01× and
2.44×); over HTTP both searches are faster than the member-detail page (p95 0.79× and 0.84×). The
partial searches' p50 is near the exact one; their p95 is the searches that fill the page (up to
50 matches, against the primary-key fetch's one row): reading and sorting those rows, not the
plan, makes the tail (an inference from the p50/p95 gap and the match counts, not measured per
query). Ticket list quiet: 0.50 (252 against 503 req/s); the COUNT below is its floor.
Ticket list (cProfile of the view in-process, 20,000 tickets, loaded machine): 200 ms a request,
of which the COUNT(*) for `count` 57 ms (a sequential scan of the 20,000 tickets; PostgreSQL
removes the LEFT JOINs), the 101-row page 28 ms, the throttle's round trip 30 ms (one now,
okbnet_portal.counters; two before), the rows as dicts with RFC 3339 times 17 ms; the bare view
has only the page query. The count is part of the contract (`count` in every list): it is the
floor that keeps the ratio below the goal at this size.

Environment: BENCH_API_MEMBERS (default 1000000).
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from contextlib import closing
from urllib.parse import quote

from .common import alternate, child, emit, gunicorn, manage, own_database, row, wrk

MEMBERS = int(os.environ.get("BENCH_API_MEMBERS", "1000000"))
TICKETS = min(MEMBERS // 7, 20000)
ROUNDS = 5
PER_ROUND = 200

# Kanji with a katakana reading: names are two-character surnames and given names from them.
KANJI = [
    "山ヤマ",
    "田ダ",
    "川カワ",
    "中ナカ",
    "本モト",
    "井イ",
    "藤フジ",
    "佐サ",
    "木キ",
    "村ムラ",
    "松マツ",
    "小コ",
    "林バヤシ",
    "高タカ",
    "橋ハシ",
    "石イシ",
    "森モリ",
    "池イケ",
    "野ノ",
    "原ハラ",
    "岡オカ",
    "坂サカ",
    "島シマ",
    "清キヨ",
    "水ミズ",
    "上ウエ",
    "下シタ",
    "大オオ",
    "西ニシ",
    "東ヒガシ",
    "北キタ",
    "南ミナミ",
    "吉ヨシ",
    "太タ",
    "郎ロウ",
    "花ハナ",
    "子コ",
    "美ミ",
    "和カズ",
    "夫オ",
    "明アキ",
    "健ケン",
    "一イチ",
    "二ジ",
    "三ゾウ",
    "恵エ",
    "真マ",
    "由ユ",
    "香カ",
    "里リ",
    "奈ナ",
    "千チ",
    "秀ヒデ",
    "幸ユキ",
    "正マサ",
    "直ナオ",
    "広ヒロ",
    "光ミツ",
    "春ハル",
    "夏ナツ",
    "秋アキ",
    "冬フユ",
]
PAIRS = [(k[0], k[1:]) for k in KANJI]


def pg(url: str):
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


class RowStream(io.TextIOBase):
    """A file-like object for COPY that generates member rows on demand."""

    def __init__(self, rows):
        self.rows = rows
        self.buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self.buffer) < size:
            chunk = "".join(line for _, line in zip(range(2000), self.rows, strict=False))
            if not chunk:
                break
            self.buffer += chunk
        if size < 0:
            out, self.buffer = self.buffer, ""
        else:
            out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out


def member_lines(n: int, plan_ids: list[int]):
    rng = random.Random(20261128)
    for i in range(1, n + 1):
        parts = [rng.choice(PAIRS) for _ in range(4)]
        name = f"{parts[0][0]}{parts[1][0]} {parts[2][0]}{parts[3][0]}"
        kana = f"{parts[0][1]}{parts[1][1]} {parts[2][1]}{parts[3][1]}"
        number = f"M{i:07d}"
        yield (
            f"{number}\t{name}\t{kana}\t0{rng.randint(100, 999)}-{rng.randint(10, 99)}-{i % 10000:04d}\t"
            f"user{i}@example.jp\tokb{i:07d}\tuser{i}@okbnet.ne.jp\t{plan_ids[i % len(plan_ids)]}\t"
            f"{'active' if i % 20 else 'suspended'}\t\tnow\tnow\t\n"
        )


def load(environ: dict[str, str]) -> None:
    import importlib

    pg_indexes = importlib.import_module("accounts.migrations.0005_member_search_idempotency").PG_INDEXES
    with closing(pg(environ["DATABASE_URL"])) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts_connectionplan (code, name, name_en, line_type, ip_type, monthly_fee, sort_order,"
            " send_quota_per_hour, send_quota_per_day)"
            " VALUES ('fibre-home', '光ホーム', 'Fibre Home', 'fibre', 'dynamic', 5280, 1, 200, 1000),"
            " ('fibre-mansion', '光マンション', 'Fibre Mansion', 'fibre', 'dynamic', 4180, 2, 200, 1000)"
            " RETURNING id"
        )
        plan_ids = [row[0] for row in cur.fetchall()]
        # Bulk load without the search indexes, then build them once (much faster than row by row).
        for name, _definition in pg_indexes:
            cur.execute(f"DROP INDEX {name}")
        started = time.monotonic()
        cur.copy_expert(
            "COPY accounts_member (member_number, name, name_kana, phone, email, connection_username,"
            " mail_address, plan_id, status, activation_code_hash, created_at, updated_at,"
            " connection_password_hash) FROM STDIN",
            RowStream(member_lines(MEMBERS, plan_ids)),
        )
        loaded = time.monotonic()
        cur.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in pg_indexes:
            cur.execute(f"CREATE INDEX {name} ON accounts_member {definition}")
        cur.execute(
            "INSERT INTO support_ticket (number, member_id, category, subject, description, status, priority,"
            " needs_attention, created_by, created_at, updated_at)"
            " SELECT 'T-2026-' || lpad(g::text, 6, '0'), g * 7, (ARRAY['op25b','plan_change','spam_report',"
            "'enforcement','other'])[g %% 5 + 1], 'Question ' || g, '', (ARRAY['new','open','pending','resolved',"
            "'closed'])[g %% 5 + 1], g %% 4 + 1, false, 'bench', now() - g * interval '1 minute',"
            " now() - g * interval '1 minute' FROM generate_series(1, %s) g",
            [TICKETS],
        )
        cur.execute("ANALYZE")
        print(
            f"loaded {MEMBERS:,} members with COPY in {loaded - started:.0f} s, "
            f"search indexes built in {time.monotonic() - loaded:.0f} s",
            flush=True,
        )


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def report(title: str, timings: dict[str, list[float]], baseline: str, goals: dict[str, float]) -> list[dict]:
    """Print p50/p95 of each side as ratios to the baseline; the p95 ratio is judged against the goal."""
    base50, base95 = statistics.median(timings[baseline]), percentile(timings[baseline], 0.95)
    print(f"{title}: {baseline} p50 {base50 * 1000:.3f} ms, p95 {base95 * 1000:.3f} ms")
    rows = []
    for name, values in timings.items():
        if name == baseline:
            continue
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        goal = goals.get(name)
        verdict = "" if goal is None else f" (goal p95 ≤ {goal:g}: {'met' if p95 / base95 <= goal else 'MISSED'})"
        print(
            f"  {name:<16} p50 {p50 * 1000:.3f} ms = {p50 / base50:.2f}x, "
            f"p95 {p95 * 1000:.3f} ms = {p95 / base95:.2f}x{verdict}"
        )
        if goal is not None:
            rows.append(row(f"{title}: {name} p95 / {baseline} p95", p95 / base95, goal, at_least=False))
    return rows


def sample_queries(rng: random.Random) -> dict[str, list[str]]:
    """Queries taken from real rows: whole keys for exact searches, fragments for partial ones."""
    from accounts.models import Member

    ids = [rng.randint(1, MEMBERS) for _ in range(PER_ROUND)]
    rows = list(
        Member.objects.filter(pk__in=ids).values(
            "pk", "member_number", "connection_username", "email", "phone", "name", "name_kana"
        )
    )
    exact, partial = [], []
    for i, found in enumerate(rows):
        digits = found["phone"].replace("-", "")
        phone = [found["phone"], digits, "+81" + digits[1:]][i // 4 % 3]  # any format is one number
        exact.append([found["member_number"], found["connection_username"], found["email"].upper(), phone][i % 4])
        partial.append(found["name"][:4] if i % 2 else found["name_kana"][-6:])
    return {"pk": [r["pk"] for r in rows], "exact": exact, "partial": partial}


def measure_in_process() -> None:
    """Runs in a child process configured for the bench database (see main)."""
    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db.models import QuerySet

    from accounts import selectors
    from accounts.models import Member
    from okbnet_portal.api.pagination import first_page

    rng = random.Random(7)
    queries = sample_queries(rng)

    def pk_fetch(pk):
        Member.objects.filter(pk=pk).values(*selectors.MEMBER_ROW_FIELDS).first()

    def search(query):  # what the view does for page 1
        found = selectors.member_search(selectors.member_rows(), query)
        list(Paginator(first_page(found, 50) if isinstance(found, QuerySet) else found, 50).page(1).object_list)

    from support.member_screen import search_page

    def staff_search(query):  # what /staff/members/?q= does (support.member_screen): page 1 of 25, no COUNT
        found = selectors.member_search(selectors.member_rows(), query)
        if isinstance(found, QuerySet):
            search_page(found, 1)

    sides = {
        "primary key": (pk_fetch, queries["pk"]),
        "exact search": (search, queries["exact"]),
        "partial search": (search, queries["partial"]),
        "staff exact": (staff_search, queries["exact"]),
        "staff partial": (staff_search, queries["partial"]),
    }
    timings: dict[str, list[float]] = {name: [] for name in sides}
    for fn, args in sides.values():  # warm the caches
        for arg in args[:20]:
            fn(arg)
    for _ in range(ROUNDS):
        for name, (fn, args) in sides.items():
            for arg in args:
                t = time.perf_counter()
                fn(arg)
                timings[name].append(time.perf_counter() - t)
    for label, query in (("kanji", queries["partial"][1]), ("kana", queries["partial"][0])):
        found = selectors.member_search(selectors.member_rows(), query)
        plan = found[:51].explain(analyze=True, buffers=True)
        print(f"EXPLAIN (ANALYZE, BUFFERS) of a partial search ({label} {query!r}, page 1 + 1 row):\n{plan}")
    hits = [len(selectors.member_search(selectors.member_rows(), q)[:50]) for q in queries["partial"]]
    print(f"partial queries: median {statistics.median(hits)} matches on the first page (max {max(hits)})")
    api_sides = ("primary key", "exact search", "partial search")
    rows = report(
        f"member search at {MEMBERS:,} members",
        {k: v for k, v in timings.items() if k in api_sides},
        "primary key",
        {"exact search": 1.5, "partial search": 3},
    )
    rows += report(
        "staff member search /staff/members/?q=",
        {k: v for k, v in timings.items() if k == "primary key" or k.startswith("staff")},
        "primary key",
        {"staff exact": 1.5, "staff partial": 3},
    )
    emit(rows)


def measure_http(environ: dict[str, str]) -> None:
    import requests

    from accounts.models import ClientAPIKey  # noqa: F401  (Django is set up by the caller)

    key = manage("create_api_key", "bench", "--scopes", "read", environ=environ).strip().splitlines()[-1]
    rng = random.Random(11)
    with gunicorn(environ, workers=2) as base:
        session = requests.Session()
        session.headers["Authorization"] = f"Api-Key {key}"
        queries = sample_queries(rng)
        numbers = [q for i, q in enumerate(queries["exact"]) if i % 4 == 0]
        urls = {
            "detail": [f"{base}/api/v1/members/{n}/" for n in numbers],
            "exact search": [f"{base}/api/v1/members/?search={quote(q)}" for q in queries["exact"]],
            "partial search": [f"{base}/api/v1/members/?search={quote(q)}" for q in queries["partial"]],
        }
        timings: dict[str, list[float]] = {name: [] for name in urls}
        for batch in urls.values():
            for url in batch[:10]:
                session.get(url).raise_for_status()
        for _ in range(ROUNDS):
            for name, batch in urls.items():
                for url in batch[: PER_ROUND // 2]:
                    t = time.perf_counter()
                    session.get(url).raise_for_status()
                    timings[name].append(time.perf_counter() - t)
        report("member search over HTTP (gunicorn)", timings, "detail", {})

    # Ticket list throughput: our endpoint against the bare view, same rows, alternating.
    environ = {**environ, "DJANGO_SETTINGS_MODULE": "bench.api_settings"}
    with gunicorn(environ, workers=2) as base:
        auth = {"Authorization": f"Api-Key {key}"}
        requests.get(f"{base}/api/v1/tickets/?page_size=100", headers=auth, timeout=10).raise_for_status()
        rates = alternate(
            {
                "bare values()": lambda: wrk(f"{base}/bench/tickets/", seconds=4),
                "API ticket list": lambda: wrk(f"{base}/api/v1/tickets/?page_size=100", seconds=4, headers=auth),
            },
            rounds=3,
        )
    ratio = rates["API ticket list"] / rates["bare values()"]
    print(
        f"ticket list, 100 rows: API {rates['API ticket list']:.0f} req/s, bare values() + JsonResponse "
        f"{rates['bare values()']:.0f} req/s = {ratio:.2f} (goal ≥ 0.7: {'met' if ratio >= 0.7 else 'MISSED'})"
    )
    emit([row("ticket list, 100 rows / bare values() + JsonResponse (req/s)", ratio, 0.7, at_least=True)])


def run() -> list[dict]:
    with own_database(
        "api", migrate=True, CACHE_URL="", API_RATE_SEARCH="1000000/min", API_RATE_READ="1000000/min"
    ) as environ:
        load(environ)
        rows = child("bench.bench_api", "measure", environ=environ)
        rows += child("bench.bench_api", "http", environ=environ)
    return rows


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okbnet_portal.settings")
    if sys.argv[1:] == ["measure"]:
        measure_in_process()
    elif sys.argv[1:] == ["http"]:
        import django

        django.setup()
        measure_http(dict(os.environ))
