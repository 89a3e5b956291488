"""A private mail gateway for the policy tests: Debian's Postfix on a loopback port with Dovecot's
SASL (a passwd-file of the test members) and `check_policy_service` pointing at our policy server.
Every transport is `discard:`, so accepted mail goes nowhere (and nothing is looked up in DNS).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.postfix_peer import DOVECOT, POSTFIX, stop_dovecot, stop_postfix

SWAKS = "/usr/bin/swaks"


def available() -> bool:
    return all(Path(p).exists() for p in (POSTFIX, DOVECOT, SWAKS)) and os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {dir}/queue
data_directory = {dir}/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = {dir}/maillog
maillog_file_prefixes = {dir}
myhostname = gw.okbnet.test
mydomain = okbnet.test
mydestination =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks =
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
default_transport = discard:
relay_transport = discard:
local_transport = discard:
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {dovecot}/run/auth-postfix
smtpd_tls_security_level = none
smtpd_relay_restrictions =
smtpd_recipient_restrictions = check_policy_service inet:{policy}, permit_sasl_authenticated, reject
smtpd_policy_service_timeout = 10s
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 200
"""

DOVECOT_CONF = """\
base_dir = {dir}/run
state_dir = {dir}/state
protocols = none
log_path = {dir}/log
ssl = no
auth_mechanisms = plain login
disable_plaintext_auth = no
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/logins/%u
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0660
    user = postfix
    group = postfix
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


class Gateway:
    """Postfix + Dovecot under one temporary directory; `start()`/`stop()` touch only these."""

    def __init__(self, *, policy: str, logins: dict[str, str]):
        self.root = Path(tempfile.mkdtemp(prefix="okbnet-gw-"))
        os.chmod(self.root, 0o755)  # noqa: S103 - smtpd (user postfix) must reach Dovecot's socket
        self.port = free_port()
        self.policy = policy
        self.postfix_dir = self.root / "postfix"
        self.dovecot_dir = self.root / "dovecot"
        self.write_logins(logins)

    def write_logins(self, logins: dict[str, str]) -> None:
        """Add log-ins: a passwd-file of its own for each user (the passdb's path names the user).
        One shared file would be re-read at most once per second of Dovecot's clock (passwd_file_sync
        skips when last_sync_time == ioloop_time), so each new log-in waited into the next second;
        a file Dovecot has not opened yet is read when first asked for."""
        logins_dir = self.dovecot_dir / "logins"
        logins_dir.mkdir(parents=True, exist_ok=True)
        for user, password in logins.items():
            (logins_dir / user).write_text(f"{user}:{{PLAIN}}{password}\n")

    def start(self) -> None:
        for sub in ("run", "state"):
            (self.dovecot_dir / sub).mkdir(exist_ok=True)
        os.chmod(self.dovecot_dir, 0o755)  # noqa: S103 - the way to the socket, as above
        os.chmod(self.dovecot_dir / "run", 0o755)  # noqa: S103
        conf = self.dovecot_dir / "dovecot.conf"
        conf.write_text(DOVECOT_CONF.format(dir=self.dovecot_dir))
        with open(self.dovecot_dir / "stdout", "wb") as out:
            subprocess.run([DOVECOT, "-c", str(conf)], check=True, stdout=out, stderr=subprocess.STDOUT)
        self.postfix_dir.mkdir(exist_ok=True)
        for sub in ("queue", "data"):
            (self.postfix_dir / sub).mkdir(exist_ok=True)
        shutil.chown(self.postfix_dir / "data", "postfix")
        (self.postfix_dir / "main.cf").write_text(
            MAIN_CF.format(dir=self.postfix_dir, dovecot=self.dovecot_dir, policy=self.policy)
        )
        (self.postfix_dir / "master.cf").write_text(MASTER_CF.format(port=self.port))
        started = subprocess.run([POSTFIX, "-c", str(self.postfix_dir), "start"], capture_output=True, timeout=60)
        assert started.returncode == 0, (started.stdout + started.stderr).decode(errors="replace")
        wait_port(self.port)

    def stop(self) -> None:
        stop_postfix(self.postfix_dir, self.postfix_dir / "queue")
        stop_dovecot(self.dovecot_dir / "run")
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.postfix_dir / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def swaks(self, *, user: str | None, password: str = "", sender: str, to: list[str]) -> subprocess.CompletedProcess:
        command = [SWAKS, "--server", f"127.0.0.1:{self.port}", "--from", sender, "--to", ",".join(to)]
        command += ["--helo", "client.okbnet.test", "--timeout", "20"]
        if user:
            command += ["--auth", "PLAIN", "--auth-user", user, "--auth-password", password]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)
