"""The verdict API on gunicorn vs a bare Django JsonResponse view on the same server (goal >= 0.7),
and the cost of one verdict vs one dict look-up."""

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
