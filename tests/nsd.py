"""A real authoritative DNS server for tests and benchmarks: Debian's NSD on 127.0.0.1.

`NsdServer(zones)` writes one zone file per zone (records given as text, relative to the
zone), a config that needs no root (no chroot, no user switch, no database), starts
`nsd -d` on a free loopback port and waits until it answers SOA for every zone.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode

NSD = shutil.which("nsd") or ("/usr/sbin/nsd" if Path("/usr/sbin/nsd").exists() else None)


def free_udp_tcp_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port


def zone_text(origin: str, records: str, *, ttl: int = 300, negative_ttl: int = 300) -> str:
    origin = origin.rstrip(".") + "."
    return (
        f"$ORIGIN {origin}\n$TTL {ttl}\n"
        f"@ SOA ns.{origin} hostmaster.{origin} 1 3600 600 86400 {negative_ttl}\n"
        f"@ NS ns.{origin}\nns A 127.0.0.1\n{records}\n"
    )


class NsdServer:
    def __init__(self, zones: dict[str, str], *, port: int | None = None, verbosity: int = 0):
        if NSD is None:
            raise RuntimeError("nsd is not installed")
        self.zones = {name.rstrip(".").lower(): text for name, text in zones.items()}
        self.port = port or free_udp_tcp_port()
        self.verbosity = verbosity
        self.proc: subprocess.Popen | None = None
        self.dir: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> NsdServer:
        self.dir = tempfile.TemporaryDirectory(prefix="okbnet-nsd-")
        root = Path(self.dir.name)
        blocks = []
        for index, (name, text) in enumerate(sorted(self.zones.items())):
            filename = f"zone{index}.zone"
            (root / filename).write_text(text if text.startswith("$ORIGIN") else zone_text(name, text))
            blocks.append(f"zone:\n  name: {name}\n  zonefile: {filename}\n")
        config = root / "nsd.conf"
        config.write_text(
            "server:\n"
            f"  ip-address: 127.0.0.1@{self.port}\n"
            '  username: ""\n  chroot: ""\n  database: ""\n'
            f"  zonesdir: {root}\n  pidfile: {root}/nsd.pid\n  xfrdfile: {root}/xfrd.state\n"
            f"  zonelistfile: {root}/zone.list\n  server-count: 1\n  verbosity: {self.verbosity}\n"
            "  hide-version: yes\n  minimal-responses: no\n"
            "remote-control:\n  control-enable: no\n" + "".join(blocks)
        )
        self.proc = subprocess.Popen(
            [NSD, "-d", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            self._wait()
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        pending = set(self.zones)
        while pending:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nsd exited: {self.proc.stderr.read()}")
            for name in list(pending):
                try:
                    reply = dns.query.udp(dns.message.make_query(name, "SOA"), "127.0.0.1", port=self.port, timeout=0.3)
                except Exception:  # noqa: S112 - not up yet
                    continue
                if reply.rcode() == dns.rcode.NOERROR and reply.answer:
                    pending.discard(name)
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"nsd did not serve {sorted(pending)} in time")
            if pending:
                time.sleep(0.1)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        if self.dir:
            self.dir.cleanup()
