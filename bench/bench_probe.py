"""The submission probe and "nothing slow in the web request" (issue 13).

1. Probe connections per check: HOSTS provider hosts in a real NSD all point at one pair of
   aiosmtpd peers on 127.0.0.31 (STARTTLS + AUTH on 587's stand-in port, implicit TLS on 465's).
   Each host is requested and probed through the services the worker runs (in one process: this
   counts connections, not speed). Figure: connections the peers accepted per check, as a ratio to
   the minimum (one per port = 2), and the connections of a repeat within the TTL (must be 0).
2. `/check/` answer pages under wrk on gunicorn: a random unknown provider domain on every request
   (each queues a DNS check and a probe; no worker runs, so nothing is answered meanwhile) vs the
   same page with a known provider (the catalogue). Sides alternate, 5 rounds, medians.
   Goal: unknown / known >= 0.5 (before issue 13 an unknown domain waited on DNS in the request).

Only loopback is ever a target: the probe runs with OKBNET_SMTP_PROBE_ONLY_ALLOWED=1 and
OKBNET_SMTP_PROBE_ALLOW=127.0.0.0/8; the web side asks no DNS at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import common

sys.path.insert(0, str(common.ROOT))
from tests.nsd import NSD, NsdServer
from tests.smtp_servers import SubmissionPeer

HOSTS = 20
PEER = "127.0.0.31"

PROBE = """
import json, sys, django
django.setup()
from mailsettings import services
from mailsettings.models import SubmissionProbe
names = [f"h{i}.probe.bench" for i in range(int(sys.argv[1]))]
SubmissionProbe.objects.filter(name__endswith=".probe.bench").delete()
queued = ran = 0
for name in names:
    probe = services.submission_probe_request(name=name, kind="host")
    queued += probe.status == "queued"
    done = services.submission_probe_run(probe_id=probe.pk)  # what the worker's task does
    ran += done is not None and done.support == "both"
print(json.dumps({"queued": queued, "both": ran}))
"""

REPEAT = """
import json, sys, django
django.setup()
from mailsettings import services
names = [f"h{i}.probe.bench" for i in range(int(sys.argv[1]))]
queued = sum(services.submission_probe_request(name=n, kind="host").status == "queued" for n in names)
print(json.dumps({"queued": queued}))
"""

RANDOM_DOMAIN = """
local base = "/check/?ip_type=dynamic&sending_via=other_provider&port=25&provider_domain="
request = function()
  return wrk.format("GET", base .. "u" .. math.random(1, 2000000000) .. "-" .. math.random(1, 2000000000) .. ".unknown.bench")
end
"""
KNOWN = "/check/?ip_type=dynamic&sending_via=other_provider&port=25&provider_domain=gmail.com"


def _run(script: str, environ: dict[str, str]) -> dict:
    proc = subprocess.run(
        [common.PY, "-c", script, str(HOSTS)], cwd=common.ROOT, env=environ, capture_output=True, text=True
    )
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _environ(tmp: str, **extra: str) -> dict[str, str]:
    base = {"OKBNET_VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if "DATABASE_URL" not in os.environ:
        base["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    # Queued tasks go to a throw-away filesystem broker: no worker consumes them here.
    base["CELERY_BROKER_URL"] = "filesystem://"
    return common.env(**base, **extra)


def probe_connections() -> dict:
    if NSD is None:
        print("nsd is not installed: probe connections not measured (apt-get install nsd)")
        return {}
    zone = "\n".join(f"h{i} A {PEER}" for i in range(HOSTS))
    with (
        tempfile.TemporaryDirectory(prefix="okbnet-bench-probe-") as tmp,
        NsdServer({"probe.bench": zone}) as nsd,
        SubmissionPeer(PEER, Path(tmp), [f"h{i}.probe.bench" for i in range(HOSTS)]) as peer,
    ):
        environ = _environ(
            tmp,
            OKBNET_DNS_NAMESERVERS=nsd.address,
            OKBNET_SMTP_PROBE_ALLOW="127.0.0.0/8",
            OKBNET_SMTP_PROBE_ONLY_ALLOWED="1",
            OKBNET_SMTP_PROBE_PORTS=f"587={peer.ports[0]},465={peer.ports[1]}",
            OKBNET_SMTP_PROBE_CAFILE=peer.certs.ca,
            OKBNET_SMTP_PROBES_PER_HOST_HOUR="1000",
        )
        common.manage("migrate", "--noinput", "-v0", environ=environ)
        before = sum(s.connections for s in peer.servers)
        first = _run(PROBE, environ)
        connections = sum(s.connections for s in peer.servers) - before
        before = sum(s.connections for s in peer.servers)
        repeat = _run(REPEAT, environ)
        repeated = sum(s.connections for s in peer.servers) - before
        forbidden = peer.forbidden()
    minimum = 2 * HOSTS
    print(f"hosts probed: {HOSTS} ({first['both']} found 587 and 465), {connections} connections accepted")
    print(
        f"probe connections per check: {connections / HOSTS:.2f}; minimum 2 (one per port); ratio {connections / minimum:.2f}"
    )
    print(
        f"repeat within the TTL: {repeat['queued']} probes queued, {repeated} connections ({repeated / HOSTS:.1f} per check)"
    )
    print(f"commands other than EHLO/STARTTLS/QUIT the peers received: {forbidden or 'none'}")
    return {"connections_ratio": connections / minimum, "repeat_connections": repeated}


def check_pages() -> dict:
    with tempfile.TemporaryDirectory(prefix="okbnet-bench-check-") as tmp:
        environ = _environ(
            tmp,
            OKBNET_DNS_NAMESERVERS="127.0.0.1:9",  # the web side must ask nothing; a question would hang
            OKBNET_PROVIDER_CHECKS_PER_CLIENT_HOUR="100000000",  # measure the queueing, not the refusal
        )
        common.manage("migrate", "--noinput", "-v0", environ=environ)
        script = Path(tmp) / "random.lua"
        script.write_text(RANDOM_DOMAIN)
        with common.gunicorn(environ, workers=2) as base:
            common.wrk(base + KNOWN, seconds=2)  # warm-up
            common.wrk(base + "/", seconds=2, script=str(script))
            medians = common.alternate(
                {
                    "known": lambda: common.wrk(base + KNOWN, seconds=4),
                    "unknown": lambda: common.wrk(base + "/", seconds=4, script=str(script)),
                },
                rounds=5,
            )
        cleanup = (
            "from mailsettings.models import DnsCheck, SubmissionProbe;"
            "DnsCheck.objects.filter(domain__endswith='.unknown.bench').delete();"
            "SubmissionProbe.objects.filter(name__endswith='.unknown.bench').delete()"
        )
        common.manage("shell", "-c", cleanup, environ=environ)
    ratio = medians["unknown"] / medians["known"]
    print(
        f"/check/ with a known provider (catalogue): {medians['known']:8.0f} req/s (median of 5, gunicorn 2 workers, wrk -c8)"
    )
    print(
        f"/check/ with a random unknown domain:     {medians['unknown']:8.0f} req/s (each queues a DNS check and a probe)"
    )
    print(f"ratio unknown / known = {ratio:.2f}  (goal >= 0.5)")
    return {"check_ratio": ratio}


def run() -> list[dict]:
    probes, pages = probe_connections(), check_pages()
    return [
        common.row(
            "probe connections per check / minimum (one per port)", probes["connections_ratio"], 1.0, at_least=False
        ),
        common.row("probe connections, repeat within the TTL", probes["repeat_connections"], 0, at_least=False),
        common.row("/check/ random unknown domain / known provider", pages["check_ratio"], 0.5, at_least=True),
    ]


def main() -> None:
    run()


if __name__ == "__main__":
    main()
