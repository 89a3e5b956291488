"""Debian's Postfix as another provider's submission service, for the submission probe's tests.

A private instance (NOTES.md "Postfix 3.7 + Dovecot 2.3 SASL"): its own config, queue and data
directories, no chroot, one smtpd on a loopback address and port offering STARTTLS, SMTP AUTH
through a private Dovecot (auth only, `protocols = none`) advertised after TLS, and every
transport `discard:`. Postfix's own log (postlogd) records what each client sent: its
"disconnect from" line counts the commands (`ehlo=2 starttls=1 quit=1 commands=4`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def available() -> bool:
    return Path(POSTFIX).exists() and Path(DOVECOT).exists()


def pid_in(pid_file: Path) -> int | None:
    """The process id a daemon wrote to its pid file, None if there is none."""
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def wait_until_gone(pid: int | None, timeout: float = 10.0) -> None:
    """Wait, looking every 20 ms, until a process has exited (or is a zombie its parent has not
    reaped). Neither Postfix nor Dovecot is our child, so there is no wait() for them."""
    deadline = time.monotonic() + timeout
    while pid is not None:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return
        except (OSError, IndexError):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"process {pid} still running after {timeout} s")
        time.sleep(0.02)


def stop_postfix(config_dir: Path, queue_dir: Path) -> None:
    """Stop a private Postfix and wait until its master has exited. `postfix stop` sends the master
    SIGTERM (it ends its children), then looks once a second: a second or more a stop. `postfix
    abort` sends the same signal without waiting, and the wait here looks more often."""
    pid = pid_in(queue_dir / "pid" / "master.pid")
    subprocess.run([POSTFIX, "-c", str(config_dir), "abort"], capture_output=True, timeout=60)
    wait_until_gone(pid)


def stop_dovecot(base_dir: Path) -> None:
    """Stop a private Dovecot (authentication only, nothing to save): SIGKILL to its process group,
    master and children at once, then wait until the master has gone. `dovecot stop` took 3 s, a
    SIGTERM to the master 1.1 s (it waits for its children)."""
    pid = pid_in(base_dir / "master.pid")
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # the master leads its own group (it daemonizes with setsid)
        wait_until_gone(pid)


class PostfixSubmission:
    def __init__(self, address: str, port: int, cert: tuple[str, str], hostname: str):
        self.address, self.port, self.cert, self.hostname = address, port, cert, hostname
        self.dir: Path | None = None

    def __enter__(self) -> PostfixSubmission:
        self.dir = Path(tempfile.mkdtemp(prefix="okbnet-postfix-"))
        os.chmod(self.dir, 0o755)  # noqa: S103 - smtpd (user postfix) must reach Dovecot's socket
        root = self.dir
        for name in ("etc", "queue", "data", "dovecot", "dovecot-state"):
            (root / name).mkdir()
        shutil.chown(root / "data", "postfix", "postfix")
        (root / "passwd").write_text("nobody@example.test:{PLAIN}not-used-by-any-test\n")
        (root / "dovecot.conf").write_text(
            f"protocols = none\nbase_dir = {root}/dovecot\nstate_dir = {root}/dovecot-state\n"
            f"log_path = {root}/dovecot.log\nssl = no\nauth_mechanisms = plain login\nauth_verbose = yes\n"
            f"passdb {{\n  driver = passwd-file\n  args = {root}/passwd\n}}\n"
            "userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=/nonexistent\n}\n"
            "service auth {\n  unix_listener auth-postfix {\n    mode = 0660\n    user = postfix\n"
            "    group = postfix\n  }\n}\n"
        )
        os.chmod(root / "dovecot-state", 0o700)
        with open(root / "dovecot.out", "w") as out:
            subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True, stdout=out, stderr=out)
        etc = root / "etc"
        (etc / "main.cf").write_text(
            "compatibility_level = 3.6\n"
            f"queue_directory = {root}/queue\ndata_directory = {root}/data\nmeta_directory = /etc/postfix\n"
            f"myhostname = {self.hostname}\nmydomain = probe.test\nmydestination =\n"
            "inet_interfaces = all\ninet_protocols = ipv4\nmynetworks = 127.0.0.1/32\n"
            "alias_maps =\nalias_database =\nlocal_recipient_maps =\n"
            "default_transport = discard:\nrelay_transport = discard:\nlocal_transport = discard:\n"
            "virtual_transport = discard:\n"
            f"maillog_file = {root}/postfix.log\nmaillog_file_prefixes = {root}\n"
            f"smtpd_tls_cert_file = {self.cert[0]}\nsmtpd_tls_key_file = {self.cert[1]}\n"
            "smtpd_tls_security_level = may\nsmtpd_tls_auth_only = yes\n"
            "smtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovecot\n"
            f"smtpd_sasl_path = {root}/dovecot/auth-postfix\n"
            "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination\n"
        )
        master = []
        for line in Path("/etc/postfix/master.cf").read_text().splitlines():
            if re.match(r"^smtp\s+inet\s", line):
                line = f"{self.address}:{self.port} inet n - n - - smtpd"
            elif line and not line[0].isspace() and not line.startswith("#"):
                parts = line.split()
                if len(parts) >= 8:
                    parts[4] = "n"  # no chroot: the paths are ours
                    line = " ".join(parts)
            master.append(line)
        (etc / "master.cf").write_text("\n".join(master) + "\n")
        try:
            subprocess.run([POSTFIX, "-c", str(etc), "start"], check=True, capture_output=True)
            self._wait()
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait(self, timeout: float = 20.0) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection((self.address, self.port), timeout=1) as sock:
                    sock.settimeout(2)
                    if sock.recv(100).startswith(b"220"):
                        sock.sendall(b"QUIT\r\n")
                        sock.recv(100)
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"postfix did not answer: {self.log()}")
            time.sleep(0.2)
        # postlogd writes a session's line a moment after it ends: wait for this one, so that
        # the sessions a test counts are its own.
        while not self.sessions():
            if time.monotonic() > deadline:
                raise RuntimeError(f"postfix logged no session: {self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        path = self.dir / "postfix.log" if self.dir else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def sessions(self) -> list[str]:
        """The command counts of each finished SMTP session (Postfix's "disconnect from" lines)."""
        return [m.group(1) for m in re.finditer(r"disconnect from \S+ (.*)", self.log())]

    def __exit__(self, *exc) -> None:
        if self.dir is None:
            return
        stop_postfix(self.dir / "etc", self.dir / "queue")
        stop_dovecot(self.dir / "dovecot")
        shutil.rmtree(self.dir, ignore_errors=True)
