"""The `/check/` answer page on gunicorn against a constant page of the same size served by the
same gunicorn (goal >= 0.5).

The answer asked for is the common call-center case of a known provider: a dynamic-IP member
sending through Gmail on port 25, not knowing whether Gmail takes 587 (`provider_submission=unknown`,
`provider_domain=gmail.com`), with the new Outlook: the verdict, the table with its row marked, the
route diagram, the per-program guide and the settings to type (about 24 KB). The provider's DNS
(RFC 6186 SRV) is asked of a local NSD on loopback that knows gmail.com without SRV records, so the
catalogue answers; the product caches that DNS answer by its TTL as it always does, so after the
first request no DNS question is asked. (Unknown providers' look-ups leave the request in the
"probe" branch; this benchmark does not depend on it.)

Profile (cProfile of the same view in-process, 100 answers, loaded machine): 215 ms a request,
of which 160 ms template rendering (about 580 template nodes and 106 `{% translate %}` a page:
the route SVG 18 ms, the quick-reference table 15 ms, the guides 9.5 ms, the settings and copy
buttons 6 ms, the rest the base page and form), verdict_give 32 ms (the provider look-up's cache
read and the verdict counter: two Redis round trips), the form and guides' Python the rest. The
constant page renders nothing. The floor of this page with Django templates is its template
work: reaching 0.5 needs the route, table and guides written as Python (format_html) or kept
rendered per (language, rule); not done in this branch.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

from tests.nsd import NSD, NsdServer

from . import common

ANSWERS = {
    "ip_type": "dynamic",
    "sending_via": "other_provider",
    "port": "25",
    "provider_submission": "unknown",
    "provider_domain": "gmail.com",
    "okbnet_address": "taro@okbnet.ne.jp",
    "mail_client": "outlook_new",
}


def run() -> list[dict]:
    if NSD is None:
        raise SystemExit("bench_check needs nsd (apt-get install nsd)")
    with NsdServer({"gmail.com": "@ MX 5 gmail-smtp-in.l.google.com.\n"}) as nsd:
        extra = {"DJANGO_SETTINGS_MODULE": "bench.settings", "OKBNET_DNS_NAMESERVERS": f"127.0.0.1:{nsd.port}"}
        with common.own_database("check", **extra) as environ:
            return _measure(environ)


def _measure(environ: dict[str, str]) -> list[dict]:
    with common.gunicorn(environ, workers=2) as base:
        answer = f"{base}/check/?{urlencode(ANSWERS)}"
        with urllib.request.urlopen(answer) as response:
            size = len(response.read())
        constant = f"{base}/bench/constant/{size}/"
        with urllib.request.urlopen(constant) as response:
            assert len(response.read()) == size
        for url in (constant, answer):
            common.wrk(url, seconds=2)  # warm-up
        medians = common.alternate(
            {"constant": lambda: common.wrk(constant, seconds=4), "answer": lambda: common.wrk(answer, seconds=4)},
            rounds=5,
        )
    ratio = medians["answer"] / medians["constant"]
    print(f"answer page: {size:,} bytes")
    print(
        f"constant page of the same size: {medians['constant']:8.0f} req/s (median of 5, gunicorn 2 workers, wrk -c8)"
    )
    print(f"/check/ answer (known provider): {medians['answer']:8.0f} req/s = {ratio:.2f} × constant")
    return [common.row("/check/ answer page / constant page of the same size (req/s)", ratio, 0.5, at_least=True)]
