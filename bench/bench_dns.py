"""DNS checks of 500 domains through the task queue, counting the questions the DNS server got.

A real NSD on loopback serves 500 own domains (each: gw CNAME to OKBNET's relays, MX, an SPF
record that includes OKBNET's). A tiny counting UDP forwarder sits in front of it. A separate
Celery worker process runs the checks. Figures: questions received / the minimum the checks
need (each domain's A+AAAA of gw, MX, TXT; the shared include once), checks per second, and
a second round within the TTL, which must send no question at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import PY, ROOT, env, manage

sys.path.insert(0, str(ROOT))
from tests.nsd import NSD, NsdServer

DOMAINS = 500
RELAYS = "203.0.113.25,203.0.113.26,2001:db8:25::25"


def zones() -> dict[str, str]:
    okbnet = (
        "relays A 203.0.113.25\nrelays A 203.0.113.26\nrelays AAAA 2001:db8:25::25\n"
        '_spf TXT "v=spf1 ip4:203.0.113.25 ip4:203.0.113.26 ip6:2001:db8:25::/64 -all"\n'
    )
    own = "\n".join(
        f"gw.d{i} CNAME relays.okbnet.bench.\nd{i} MX 10 mx.d{i}\nmx.d{i} A 192.0.2.{i % 250 + 1}\n"
        f'd{i} TXT "v=spf1 include:_spf.okbnet.bench -all"'
        for i in range(DOMAINS)
    )
    return {"okbnet.bench": okbnet, "own.bench": own}


class CountingForwarder:
    """UDP on 127.0.0.1: forwards each question to the upstream server and counts them."""

    def __init__(self, upstream_port: int):
        self.upstream = ("127.0.0.1", upstream_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                return
            with self._lock:
                self.count += 1
            threading.Thread(target=self._forward, args=(data, peer), daemon=True).start()

    def _forward(self, data: bytes, peer) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as up:
            up.settimeout(2)
            up.sendto(data, self.upstream)
            with contextlib.suppress(OSError):
                self.sock.sendto(up.recvfrom(65535)[0], peer)


REQUEST = """
import json, sys, time, django
django.setup()
from mailsettings import services
from mailsettings.models import DnsCheck
names = [f"d{i}.own.bench" for i in range(int(sys.argv[1]))]
started = time.monotonic()
ids = [services.dns_check_request(domain=n, kind="own_domain").pk for n in names]
queued = DnsCheck.objects.filter(pk__in=ids, status__in=DnsCheck.OPEN).count()
deadline = time.monotonic() + 600
while DnsCheck.objects.filter(pk__in=ids).exclude(status="done").exists():
    if time.monotonic() > deadline:
        raise SystemExit("checks did not finish")
    time.sleep(0.2)
elapsed = time.monotonic() - started
ok = DnsCheck.objects.filter(pk__in=ids, result__spf_ok=True, result__gateway_ok=True, result__mx_ok=True).count()
queries = sum(c.result["queries"] for c in DnsCheck.objects.filter(pk__in=ids))
print(json.dumps({"queued": queued, "seconds": elapsed, "ok": ok, "queries": queries}))
"""


def main() -> None:
    if NSD is None:
        print("nsd is not installed: skipped (apt-get install nsd)")
        return
    with tempfile.TemporaryDirectory(prefix="okbnet-bench-dns-") as tmp, NsdServer(zones()) as nsd:
        forwarder = CountingForwarder(nsd.port)
        extra = {
            "OKBNET_DNS_NAMESERVERS": f"127.0.0.1:{forwarder.port}",
            "OKBNET_RELAY_ADDRESSES": RELAYS,
            "OKBNET_SPF_INCLUDE": "_spf.okbnet.bench",
            "DJANGO_SETTINGS_MODULE": "okbnet_portal.settings",
        }
        if "DATABASE_URL" not in os.environ or "CELERY_BROKER_URL" not in os.environ:
            # The embedded run: SQLite and the filesystem broker in a throw-away var/.
            extra.update({"OKBNET_VAR_DIR": tmp, "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"})
            extra["CELERY_BROKER_URL"] = "filesystem://"
        environ = env(**extra)
        manage("migrate", "--noinput", "-v0", environ=environ)
        clear = "from mailsettings.models import DnsCheck; DnsCheck.objects.filter(domain__endswith='.bench').delete()"
        manage("shell", "-c", clear, environ=environ)
        worker = subprocess.Popen(
            [PY, "-m", "celery", "-A", "okbnet_portal", "worker", "--pool=threads", "--concurrency=8",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--purge"],
            cwd=ROOT, env=environ,
        )  # fmt: skip
        try:
            time.sleep(3)

            def run() -> dict:
                proc = subprocess.run(
                    [PY, "-c", REQUEST, str(DOMAINS)], cwd=ROOT, env=environ, capture_output=True, text=True
                )
                if proc.returncode:
                    raise RuntimeError(proc.stderr)
                return json.loads(proc.stdout.strip().splitlines()[-1])

            before = forwarder.count
            first = run()
            asked = forwarder.count - before
            before = forwarder.count
            second = run()
            repeated = forwarder.count - before
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    minimum = 4 * DOMAINS + 1  # A, AAAA of gw; MX; TXT per domain; the shared include's TXT once
    print(f"domains checked: {DOMAINS} (all right: {first['ok']}) in {first['seconds']:.1f} s "
          f"= {DOMAINS / first['seconds']:.0f} checks/s through the queue")  # fmt: skip
    print(f"questions the DNS server received: {asked}; minimum the checks need: {minimum}; "
          f"ratio {asked / minimum:.2f}")  # fmt: skip
    print(f"questions counted by the checks themselves: {first['queries']}")
    print(f"repeat within the TTL: {second['queued']} checks queued, {repeated} questions sent")


if __name__ == "__main__":
    main()
