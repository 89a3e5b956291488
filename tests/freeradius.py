"""A real FreeRADIUS (Debian's freeradius 3.2 + freeradius-postgresql) for tests and benchmarks.

`FreeRadiusServer(database)` copies the packaged configuration into a temporary directory, points
its directories there, enables the stock `sql` module (PostgreSQL dialect, its default queries)
on `database` (a Django settings dict: the test database), replaces the sites with one that
listens on 127.0.0.1 at a free UDP port and authorises from SQL + PAP, and waits until an
Access-Request is answered. `access(username, password)` sends one through pyrad.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from pyrad import packet
from pyrad.client import Client, Timeout

from network.disconnect import dictionary

FREERADIUS = shutil.which("freeradius") or ("/usr/sbin/freeradius" if Path("/usr/sbin/freeradius").exists() else None)
PACKAGED = Path("/etc/freeradius/3.0")
SECRET = "okbnet-test-secret"

SITE = """
server okbnet {
    listen {
        type = auth
        ipaddr = 127.0.0.1
        port = %(port)d
    }
    authorize {
        preprocess
        sql
        pap
    }
    authenticate {
        Auth-Type PAP {
            pap
        }
    }
    post-auth {
        Post-Auth-Type REJECT {
            attr_filter.access_reject
        }
    }
}
"""


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        return udp.getsockname()[1]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if old not in text:
        raise RuntimeError(f"{path}: {old!r} not found (FreeRADIUS version moved?)")
    path.write_text(text.replace(old, new))


class FreeRadiusServer:
    def __init__(self, database: dict):
        if FREERADIUS is None:
            raise RuntimeError("freeradius is not installed")
        self.database = database
        self.port = free_udp_port()
        self.proc: subprocess.Popen | None = None
        self.dir: tempfile.TemporaryDirectory | None = None

    def _configure(self, root: Path) -> Path:
        raddb = root / "raddb"
        shutil.copytree(PACKAGED, raddb, symlinks=True)
        for sub in ("log", "run"):
            (root / sub).mkdir()
        conf = raddb / "radiusd.conf"
        _replace(conf, "raddbdir = /etc/freeradius/3.0", f"raddbdir = {raddb}")
        _replace(conf, "logdir = /var/log/freeradius", f"logdir = {root / 'log'}")
        _replace(conf, "run_dir = ${localstatedir}/run/${name}", f"run_dir = {root / 'run'}")
        _replace(conf, "\tuser = freerad", "#\tuser = freerad")
        _replace(conf, "\tgroup = freerad", "#\tgroup = freerad")
        _replace(conf, "\treject_delay = 1", "\treject_delay = 0")  # answer a reject at once
        # EAP needs certificates; nothing here uses it.
        (raddb / "mods-enabled" / "eap").unlink()
        sql = raddb / "mods-enabled" / "sql"
        shutil.copy(raddb / "mods-available" / "sql", sql)
        db = self.database
        conninfo = (
            f"host={db.get('HOST') or '127.0.0.1'} port={db.get('PORT') or 5432} dbname={db['NAME']} "
            f"user={db.get('USER') or 'postgres'}" + (f" password={db['PASSWORD']}" if db.get("PASSWORD") else "")
        )
        _replace(sql, 'dialect = "sqlite"', 'dialect = "postgresql"')
        _replace(sql, 'driver = "rlm_sql_null"', 'driver = "rlm_sql_postgresql"')
        _replace(sql, 'radius_db = "radius"', f'radius_db = "{conninfo}"')
        _replace(sql, "#\tread_clients = yes", "\tread_clients = no")
        for site in (raddb / "sites-enabled").iterdir():
            site.unlink()
        (raddb / "sites-enabled" / "okbnet").write_text(SITE % {"port": self.port})
        (raddb / "clients.conf").write_text(f"client loopback {{\n  ipaddr = 127.0.0.1\n  secret = {SECRET}\n}}\n")
        return raddb

    def __enter__(self) -> FreeRadiusServer:
        self.dir = tempfile.TemporaryDirectory(prefix="okbnet-radius-")
        root = Path(self.dir.name)
        raddb = self._configure(root)
        self.log = root / "radiusd.out"
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [FREERADIUS, "-f", "-l", "stdout", "-d", str(raddb)], stdout=out, stderr=subprocess.STDOUT
            )
        try:
            self._wait()
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"freeradius exited: {self.log.read_text()[-3000:]}")
            try:
                self.access("okbnet-readiness-probe", "x", timeout=0.5)
                return
            except Timeout:
                time.sleep(0.2)
        raise RuntimeError(f"freeradius did not answer: {self.log.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.dir is not None:
            self.dir.cleanup()

    def access(self, username: str, password: str, *, timeout: float = 3) -> packet.Packet:
        """One Access-Request (PAP); the reply packet (Access-Accept or Access-Reject)."""
        client = Client(server="127.0.0.1", authport=self.port, secret=SECRET.encode(), dict=dictionary())
        client.timeout, client.retries = timeout, 1
        request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
        request["User-Password"] = request.PwCrypt(password)
        return client.SendPacket(request)
