"""The carriers' list on gunicorn: a full GET and a conditional GET that gets a 304, each against a
bare Django view on the same server (how cheap is a poll?)."""

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
