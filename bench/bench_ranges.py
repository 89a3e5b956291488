"""The carriers' list (/network/dynamic-ranges.txt) on gunicorn: a full GET and a conditional GET
that gets a 304, each against a bare Django view on the same server (goals: 304 >= 0.7, full >= 0.5).

Profile (cProfile of the view in-process, 300 polls with If-None-Match, loaded machine), before:
published_ranges 37 ms of 51 ms a poll (under cProfile): the query returned every active dynamic pool (220 rows,
27 ms with the ORM's row handling), then a sort and a hash in Python, then the state from Redis
(10 ms). Now PostgreSQL computes the pools' digest (md5 of string_agg in cidr order) and sends one
row back; the rows are read only when the cache is cold or the digest moved: the poll went from 30
to 20 ms in the same conditions, of which the one query is about 10 ms (ORM compile + round trip)
and the Redis read of the state 6 ms. Floor: one database round trip (has the list changed?) and
one cache round trip (the published state shared by every worker: ETag, Last-Modified); the bare
view has neither, and on a loaded machine each round trip is also a wait for the CPU. A full GET
adds one more cache read (the rendered body).

Profile, second (cProfile in-process, 2,000 polls with If-None-Match, quiet machine, 2026-12-02):
1.8 ms a poll against 0.3 ms for the bare view; of the poll, the digest query's ORM compilation
(the aggregate's expressions hashed and compiled each time) cost more than PostgreSQL's execution
of it (about 0.6 ms for the 220 pools), and the cache read built a new redis-py client. Now the
query is plain SQL and the site's cache keeps one client per pool (okbnet_portal.cache): 0.25 →
0.47 for the 304 and 0.23 → 0.38 for the full GET in `make bench` on a quiet machine. What is
left is the floor above: the query and the cache read, each a round trip on loopback of about a
third of the bare view's whole request, so 0.7 is out of reach while the poll asks the database.
Tried and left out: each process keeping the state it last used, so that a poll whose pools'
digest had not moved needed no cache read: 0.47 → 0.48 (two runs of this benchmark), within the noise, so the cache read is
not where the time is; the query is. Not tried: trusting the state for a few seconds without
asking the database (the HTTP max-age is already 300 s), which would leave one cache read a poll.
"""

import urllib.request

from . import common

SEED = """
from network.services import pool_create
from network.models import IpPool
if not IpPool.objects.exists():
    for i in range(200):  # 200 dynamic /24s, in runs of neighbours that collapse, plus IPv6
        pool_create(name=f"dyn{i}", network=f"10.{i // 50}.{i % 50 * 2}.0/24", kind="dynamic", line_type="fibre")
    for i in range(20):
        pool_create(name=f"v6-{i}", network=f"2001:db8:{i:x}::/48", kind="dynamic", line_type="fibre")
"""


def run() -> list[dict]:
    with common.own_database("ranges", DJANGO_SETTINGS_MODULE="bench.settings") as environ:
        return _measure(environ)


def _measure(environ: dict[str, str]) -> list[dict]:
    common.manage("shell", "-c", SEED, environ=environ)
    with common.gunicorn(environ, workers=2) as base:
        url = base + "/network/dynamic-ranges.txt"
        with urllib.request.urlopen(url) as response:
            etag = response.headers["ETag"]
            lines = response.read().decode().count("\n")
        conditional = {"If-None-Match": etag}
        for target, headers in ((base + "/bench/bare/", None), (url, None), (url, conditional)):
            common.wrk(target, seconds=2, headers=headers)  # warm-up
        medians = common.alternate(
            {
                "bare": lambda: common.wrk(base + "/bench/bare/", seconds=4),
                "full": lambda: common.wrk(url, seconds=4),
                "304": lambda: common.wrk(url, seconds=4, headers=conditional),
            },
            rounds=5,
        )
    print(f"list: {lines} lines (220 pools collapsed)")
    print(f"bare JsonResponse view:           {medians['bare']:8.0f} req/s (median of 5, gunicorn 2 workers, wrk -c8)")
    print(
        f"GET dynamic-ranges.txt (200):     {medians['full']:8.0f} req/s = {medians['full'] / medians['bare']:.2f} × bare"
    )
    print(
        f"GET with If-None-Match (304):     {medians['304']:8.0f} req/s = {medians['304'] / medians['bare']:.2f} × bare"
    )
    return [
        common.row(
            "carriers' list: conditional GET (304) / bare view (req/s)",
            medians["304"] / medians["bare"],
            0.7,
            at_least=True,
        ),
        common.row(
            "carriers' list: full GET (200) / bare view (req/s)", medians["full"] / medians["bare"], 0.5, at_least=True
        ),
    ]
