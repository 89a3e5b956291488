"""Our policy server for the tests: in a thread of the test process (real socket on loopback), or
as `manage.py policy_server` in its own process against the test database."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from network.policy import PolicyService, counters_for
from network.policy_server import serve
from tests.gateway import free_port, wait_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def policy_thread(*, redis_url: str | None = None):
    """Yield (service, port) while the server runs on an event loop in a thread."""
    url = settings.OKBNET_POLICY_REDIS_URL if redis_url is None else redis_url
    service = PolicyService(counters=counters_for(url))
    ready = threading.Event()
    state: dict = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        state["loop"] = loop

        def started(server):
            state["port"] = server.sockets[0].getsockname()[1]
            ready.set()

        state["task"] = loop.create_task(serve(service, "127.0.0.1", 0, started=started))
        try:
            loop.run_until_complete(state["task"])
        except BaseException as exc:  # cancelled at the end, or failed to start
            state["error"] = exc
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(20), "the policy server did not start"
    assert "port" in state, f"the policy server failed: {state.get('error')!r}"
    try:
        yield service, state["port"]
    finally:
        state["loop"].call_soon_threadsafe(state["task"].cancel)
        thread.join(20)


class PolicyClient:
    """Speaks the protocol as Postfix does: many requests on one connection."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.file = self.sock.makefile("rwb")

    def ask(self, attributes: dict[str, str]) -> str:
        body = "".join(f"{name}={value}\n" for name, value in attributes.items()) + "\n"
        self.file.write(body.encode())
        self.file.flush()
        lines = []
        while (line := self.file.readline()) not in (b"\n", b""):
            lines.append(line.decode().rstrip("\n"))
        assert len(lines) == 1 and lines[0].startswith("action="), lines
        return lines[0].removeprefix("action=")

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@contextmanager
def policy_process(**env: str):
    """`manage.py policy_server` in its own process, on the test database; yields `host:port`."""
    port = free_port()
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DJANGO_DEBUG": "1",
        "OKBNET_POLICY_CHANGE_CHECK_SECONDS": "0",
        "OKBNET_POLICY_REDIS_URL": settings.OKBNET_POLICY_REDIS_URL,
        "OKBNET_SUPPORT_PHONE": settings.OKBNET_SUPPORT_PHONE,
        **env,
    }
    log = open(ROOT / "var" / f"policy-test-{port}.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "manage.py", "policy_server", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_port(port, timeout=60)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(20)
        log.close()


def run_async(coroutine):
    """Run a coroutine to its end on a loop of its own (in a thread: the browser tests' Playwright
    may have left an event loop running in this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
