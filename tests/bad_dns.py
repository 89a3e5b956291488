"""A local stand-in DNS server that answers badly on purpose (fault injection, loopback only).

Names with a "servfail" label get SERVFAIL, with a "refused" label REFUSED; anything else is
never answered (a timeout). Built with dnspython's message API on a plain UDP socket.
"""

from __future__ import annotations

import socket
import threading

import dns.flags
import dns.message
import dns.rcode


class LoopbackDns:
    """A DNS stand-in on a UDP socket of 127.0.0.1: each question goes to `reply()`, whose answer
    (or None: say nothing, the client times out) is sent back. `received` counts the datagrams."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def reply(self, query: dns.message.Message) -> dns.message.Message | None:
        raise NotImplementedError

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.received += 1
            try:
                query = dns.message.from_wire(data)
            except Exception:  # noqa: S112 - not DNS: ignore it
                continue
            reply = self.reply(query)
            if reply is not None:
                self.sock.sendto(reply.to_wire(), peer)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def point_the_portal_at(settings, server: LoopbackDns) -> None:
    """The portal's look-ups go to `server` (`settings`: pytest-django's fixture) and give up on a
    silent one after 0.3 s a question instead of production's 3 s: the same time-out, sooner."""
    settings.OKBNET_DNS_NAMESERVERS = [server.address]
    settings.OKBNET_DNS_TIMEOUT = 0.2
    settings.OKBNET_DNS_LIFETIME = 0.3


class BadDnsServer(LoopbackDns):
    def reply(self, query: dns.message.Message) -> dns.message.Message | None:
        labels = str(query.question[0].name).lower().split(".")
        if "servfail" in labels:
            rcode = dns.rcode.SERVFAIL
        elif "refused" in labels:
            rcode = dns.rcode.REFUSED
        else:
            return None  # say nothing: the client times out
        reply = dns.message.make_response(query)
        reply.set_rcode(rcode)
        reply.flags |= dns.flags.RA
        return reply
