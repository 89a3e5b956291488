"""The Postfix policy delegation protocol (https://www.postfix.org/SMTPD_POLICY_README.html) over
asyncio: `name=value` lines ending with an empty line, answered by `action=...` and an empty line.

Postfix keeps a connection open for many requests and many SMTP sessions, so each connection loops
over requests and keeps nothing between them; attributes the service does not know are ignored.
The decisions are network.policy's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from .policy import PolicyService

logger = logging.getLogger("okbnet.policy")

MAX_ATTRIBUTES = 200  # Postfix sends about 30; more is not Postfix
MAX_REQUEST = 64 * 1024  # Postfix's requests are about 1 KiB


async def read_request(reader: asyncio.StreamReader) -> dict[str, str] | None:
    """One request's attributes, or None at the end of the connection."""
    while True:
        try:
            data = await reader.readuntil(b"\n\n")
        except asyncio.IncompleteReadError:
            return None  # Postfix closed the connection (between requests, or cut one off)
        lines = data.decode("utf-8", "replace").split("\n")
        if len(lines) > MAX_ATTRIBUTES:
            raise ValueError("too many attributes")
        attributes: dict[str, str] = {}
        for line in lines:
            name, sep, value = line.rstrip("\r").partition("=")
            if sep:
                attributes[name.strip()] = value
        if attributes:
            return attributes
        # only empty lines: nothing to answer, read on


def _action_line(action: str) -> bytes:
    return b"action=" + " ".join(action.split()).encode() + b"\n\n"


def connection_handler(service: PolicyService):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (request := await read_request(reader)) is not None:
                writer.write(_action_line(await service.answer(request)))
                await writer.drain()
        except (ValueError, asyncio.LimitOverrunError, ConnectionError) as exc:
            logger.warning("policy connection closed: %s", exc)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    return handle


async def serve(service: PolicyService, host: str, port: int, *, started=None) -> None:
    """Load the directory, then answer until cancelled. `started(server)` is called once listening."""
    await service.reload()
    server = await asyncio.start_server(connection_handler(service), host, port, limit=MAX_REQUEST, reuse_address=True)
    logger.info("policy service listening on %s", ", ".join(str(s.getsockname()) for s in server.sockets))
    if started:
        started(server)
    try:
        async with server:
            await server.serve_forever()
    finally:
        await service.counters.close()
