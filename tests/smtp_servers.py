"""Real SMTP peers for the submission probe's tests, on loopback addresses only.

- `Certificates`: a test CA and server certificates made with the `openssl` CLI (the probe
  trusts the CA through OKBNET_SMTP_PROBE_CAFILE), and a self-signed one it must not trust.
- `SmtpServer`: aiosmtpd on one loopback address and port, with STARTTLS or implicit TLS, with or
  without AUTH; it records every command a client sent, so a test can check that no AUTH, MAIL,
  RCPT or DATA ever came.
- `SilentServer`: accepts connections and never says a word (counts them).
- `ChangingDns`: a tiny dnspython stand-in whose A answer changes after the first question.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
from pathlib import Path

import dns.flags
import dns.message
import dns.rdatatype
import dns.rrset

from .bad_dns import LoopbackDns

FORBIDDEN = {"AUTH", "MAIL", "RCPT", "DATA", "BDAT", "VRFY", "EXPN"}


def free_port_on(*addresses: str) -> int:
    """A TCP port free on every given loopback address."""
    while True:
        with socket.socket() as first:
            first.bind((addresses[0], 0))
            port = first.getsockname()[1]
            others = []
            try:
                for address in addresses[1:]:
                    other = socket.socket()
                    others.append(other)
                    other.bind((address, port))
            except OSError:
                continue
            finally:
                for other in others:
                    other.close()
        return port


class Certificates:
    """A CA, a server certificate for `names` signed by it, and a self-signed certificate."""

    def __init__(self, directory: Path, names: list[str]):
        self.dir = directory
        d = str(directory)
        run = lambda *args: subprocess.run(args, check=True, capture_output=True)  # noqa: E731
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=OKBNET test CA",
            "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem")  # fmt: skip
        san = ",".join(f"DNS:{n}" for n in names)
        (directory / "ext.cnf").write_text(f"subjectAltName={san}\n")
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={names[0]}",
            "-keyout", f"{d}/server.key", "-out", f"{d}/server.csr")  # fmt: skip
        run("openssl", "x509", "-req", "-in", f"{d}/server.csr", "-CA", f"{d}/ca.pem", "-CAkey", f"{d}/ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", f"{d}/ext.cnf", "-out", f"{d}/server.pem")  # fmt: skip
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={names[0]}",
            "-addext", f"subjectAltName={san}", "-keyout", f"{d}/self.key", "-out", f"{d}/self.pem")  # fmt: skip
        self.ca = f"{d}/ca.pem"
        self.server = (f"{d}/server.pem", f"{d}/server.key")
        self.self_signed = (f"{d}/self.pem", f"{d}/self.key")

    @staticmethod
    def context(pair: tuple[str, str]):
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*pair)
        return context


class SmtpServer:
    """aiosmtpd on (address, port): `tls` is "starttls", "implicit" or None; `auth` advertises
    AUTH PLAIN LOGIN (after TLS). `commands` lists what clients sent, in order."""

    def __init__(self, address: str, port: int, *, tls: str | None, auth: bool, cert: tuple[str, str] | None):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP

        self.commands: list[str] = []
        self.connections = 0
        commands = self.commands
        server = self

        class Recording(SMTP):
            def connection_made(self, transport):
                if self._tls_protocol is None:  # STARTTLS calls this again on the same connection
                    server.connections += 1
                super().connection_made(transport)

        for name in ("EHLO", "HELO", "STARTTLS", "QUIT", "NOOP", "RSET", *FORBIDDEN):
            original = getattr(SMTP, f"smtp_{name}", None)
            if original is None:
                continue

            def wrap(original=original, name=name):
                async def method(self, arg):
                    commands.append(name)
                    return await original(self, arg)

                return method

            setattr(Recording, f"smtp_{name}", wrap())

        context = Certificates.context(cert) if cert else None
        kwargs = {"hostname": address, "port": port, "ready_timeout": 10}
        # AUTH is offered after STARTTLS; on implicit TLS the connection is encrypted from the start.
        smtp_kwargs = {"auth_require_tls": tls == "starttls"}
        if not auth:
            smtp_kwargs["auth_exclude_mechanism"] = ["LOGIN", "PLAIN"]
        if tls == "starttls":
            smtp_kwargs["tls_context"] = context
        if tls == "implicit":
            kwargs["ssl_context"] = context

        class Handler:
            pass

        class RecordingController(Controller):
            def factory(self):
                return Recording(self.handler, **self.SMTP_kwargs)

        self.controller = RecordingController(Handler(), **kwargs, **smtp_kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        self.connections = 0  # the controller's own readiness check
        self.commands.clear()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def forbidden(self) -> list[str]:
        return [c for c in self.commands if c in FORBIDDEN]


class SilentServer:
    """Accepts TCP connections on (address, port) and never answers; counts them."""

    def __init__(self, address: str, port: int):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.accepted = 0
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _peer = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() at once (Linux)
        self._thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()


class ChangingDns(LoopbackDns):
    """Answers A questions for any name: `first` to the first question, `later` afterwards."""

    def __init__(self, first: str, later: str):
        super().__init__()
        self.first, self.later = first, later
        self.asked_a = 0

    def reply(self, query: dns.message.Message) -> dns.message.Message:
        question = query.question[0]
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.AA
        if question.rdtype == dns.rdatatype.A:
            answer = self.first if self.asked_a == 0 else self.later
            self.asked_a += 1
            reply.answer.append(dns.rrset.from_text(question.name, 0, "IN", "A", answer))
        return reply


class SubmissionPeer:
    """A provider's submission service as the probe expects it: STARTTLS + AUTH on 587's stand-in
    port and implicit TLS + AUTH on 465's, on one loopback address, with a CA the probe trusts.
    `apply(settings)` points the probe at it (ports, CA, short timeouts)."""

    def __init__(self, address: str, directory: Path, names: list[str]):
        self.certs = Certificates(directory, names)
        self.ports = free_port_on(address), None
        while self.ports[1] in (None, self.ports[0]):
            self.ports = self.ports[0], free_port_on(address)
        self.servers = [
            SmtpServer(address, self.ports[0], tls="starttls", auth=True, cert=self.certs.server),
            SmtpServer(address, self.ports[1], tls="implicit", auth=True, cert=self.certs.server),
        ]

    def apply(self, settings) -> None:
        settings.OKBNET_SMTP_PROBE_PORTS = f"587={self.ports[0]},465={self.ports[1]}"
        settings.OKBNET_SMTP_PROBE_CAFILE = self.certs.ca
        settings.OKBNET_SMTP_PROBE_CONNECT_TIMEOUT = 2.0
        settings.OKBNET_SMTP_PROBE_TIMEOUT = 5.0

    def forbidden(self) -> list[str]:
        return [c for server in self.servers for c in server.forbidden()]

    def __enter__(self) -> SubmissionPeer:
        for server in self.servers:
            server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.__exit__(*exc)
