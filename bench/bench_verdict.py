"""The verdict API (POST /api/v1/op25b/verdict/ with an API key) on gunicorn against a bare Django
JsonResponse view on the same server, same middleware (goal >= 0.8); and the cost of one verdict
against one dict look-up.

Profile (pyinstrument in the gunicorn worker, `BENCH_PROFILE_DIR=... python -m bench verdict`,
before the change; wall time on a machine with a load average near 17): of 21.1 s in
VerdictView.dispatch, 11.2 s were the throttle's `cache.incr` and 6.5 s the verdict counter's
`cache.incr`, 0.85 s the API-key check (verified keys are kept 5 s in the process: the database is
asked at most once per 5 s per worker), the verdict itself (clean_inputs + decide) about 0.26 ms.
Django's RedisCache.incr is two round trips (EXISTS, then INCRBY), plus an `add` for a window's
first count: four round trips a request for two counters. okbnet_portal.counters now does each
count in one (INCR + EXPIRE NX in one MULTI/EXEC): two round trips a request, the floor for a
throttle and a statistic that are shared by every worker (batching them in the process would make
the limit per worker). What is left above the bare view is those two round trips and DRF's
request/response (NOTES.md: a trivial DRF APIView is 0.81 of a plain view here). On a loaded
machine each round trip also costs a wait for the CPU, which the bare view never pays: the ratio
falls with the load.
"""

import json
import os
import statistics
import tempfile
import timeit
from pathlib import Path

from . import common

BODY = {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25, "provider_submission": "none"}


def _wrk_post_script(body: dict) -> str:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return str(script)


def http_ratio() -> list[dict]:
    with common.own_database("verdict", DJANGO_SETTINGS_MODULE="bench.settings") as environ:
        return _http_ratio(environ)


def _http_ratio(environ: dict[str, str]) -> list[dict]:
    key = common.manage("create_api_key", "bench", "--scopes", "read", environ=environ).strip().splitlines()[-1]
    post = _wrk_post_script(BODY)
    with common.gunicorn(environ, workers=2) as base:
        common.wrk(base + "/bench/bare/", seconds=2, script=post)  # warm-up
        common.wrk(base + "/api/v1/op25b/verdict/", seconds=2, script=post, headers={"Authorization": f"Api-Key {key}"})
        medians = common.alternate(
            {
                "bare": lambda: common.wrk(base + "/bench/bare/", seconds=4, script=post),
                "verdict": lambda: common.wrk(
                    base + "/api/v1/op25b/verdict/", seconds=4, script=post, headers={"Authorization": f"Api-Key {key}"}
                ),
            },
            rounds=5,
        )
    print(f"bare JsonResponse view:   {medians['bare']:8.0f} req/s (median of 5, gunicorn 2 workers, wrk -c8)")
    print(f"POST /api/v1/op25b/verdict/: {medians['verdict']:8.0f} req/s")
    ratio = medians["verdict"] / medians["bare"]
    print(f"ratio verdict API / bare view = {ratio:.2f}  (goal >= 0.8)")
    return [common.row("verdict API / bare JsonResponse (req/s)", ratio, 0.8, at_least=True)]


def function_ratio() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okbnet_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from mailsettings import op25b

    inputs = op25b.clean_inputs(BODY)
    table = {("dynamic", "other_provider", 25, "none"): "R11"}
    key = ("dynamic", "other_provider", 25, "none")
    n = 20000

    def per_call(stmt) -> float:
        return statistics.median(timeit.repeat(stmt, number=n, repeat=7)) / n

    lookup = per_call(lambda: table[key])
    decide = per_call(lambda: op25b.decide(inputs))
    full = per_call(lambda: op25b.decide(op25b.clean_inputs(BODY)))
    print(f"dict look-up: {lookup * 1e9:8.0f} ns")
    print(f"op25b.decide(inputs): {decide * 1e6:8.2f} µs = {decide / lookup:.0f} × a dict look-up")
    print(f"clean_inputs + decide: {full * 1e6:8.2f} µs = {full / lookup:.0f} × a dict look-up")


def run() -> list[dict]:
    function_ratio()
    return http_ratio()
