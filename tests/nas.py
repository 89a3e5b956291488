"""A NAS on loopback for the Disconnect-Request tests: a pyrad packet listener on a UDP port.

It decodes each request with the secret it shares with the portal, keeps what it saw (user name,
whether the Request Authenticator verified with that secret) and answers as told: `ack`, `nak`
(with an Error-Cause) or `timeout` (no answer).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

from pyrad import packet

from network.disconnect import dictionary

SESSION_CONTEXT_NOT_FOUND = 503  # RFC 5176 Error-Cause


@dataclass
class Seen:
    code: int
    username: str
    authentic: bool
    session_id: str = ""
    framed_ip: str = ""


class NasListener:
    def __init__(self, secret: str, mode: str = "ack"):
        self.secret = secret.encode()
        self.mode = mode
        self.seen: list[Seen] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> NasListener:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            request = packet.CoAPacket(packet=data, secret=self.secret, dict=dictionary())
            authentic = request.VerifyCoARequest()
            self.seen.append(
                Seen(
                    request.code,
                    request.get("User-Name", [""])[0],
                    authentic,
                    request.get("Acct-Session-Id", [""])[0],
                    request.get("Framed-IP-Address", [""])[0],
                )
            )
            if self.mode == "timeout" or not authentic:
                continue
            reply = request.CreateReply()
            if self.mode == "nak":
                reply.code = packet.DisconnectNAK
                reply["Error-Cause"] = SESSION_CONTEXT_NOT_FOUND
            self.sock.sendto(reply.ReplyPacket(), peer)
