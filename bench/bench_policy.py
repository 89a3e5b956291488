"""The mail gateway's policy service: decisions per second of `manage.py policy_server` (members
in its directory, counters in Redis when CACHE_URL is Redis) as a ratio to a trivial policy server
that answers DUNNO to everything, on the same machine, driven by the same client (8 connections,
as many Postfix smtpd processes would hold). Sides alternate; medians of the rounds (goal >= 0.5)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time

from .common import PY, ROOT, alternate, free_port, row

MEMBERS = int(os.environ.get("BENCH_POLICY_MEMBERS", "10000"))
# Members sending in the measured hour (each is read from Redis once per window, in the warm-up).
SENDERS = int(os.environ.get("BENCH_POLICY_SENDERS", "1000"))
ROUNDS = int(os.environ.get("BENCH_POLICY_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_POLICY_SECONDS", "3"))
CONNECTIONS = 8

TRIVIAL = """
import asyncio, sys
async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        if line == b"\\n":
            writer.write(b"action=DUNNO\\n\\n")
            await writer.drain()
    writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""


def _request(n: int) -> bytes:
    login = f"bench{n % SENDERS}@okbnet.ne.jp"
    return (
        "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
        f"client_address=127.0.0.1\nclient_name=localhost\nhelo_name=pc.example\nsasl_method=PLAIN\n"
        f"sasl_username={login}\nsender={login}\nrecipient=friend{n}@example.net\nqueue_id=\n"
        "recipient_count=0\nsize=0\nccert_subject=\nencryption_protocol=\n\n"
    ).encode()


async def _load(port: int, seconds: float, until: int = 0) -> float:
    """Requests answered per second over CONNECTIONS connections, each one request at a time
    (for `seconds`, and at least `until` requests)."""
    deadline = time.monotonic() + seconds
    done = 0

    async def one(offset: int) -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        n = offset
        while time.monotonic() < deadline or done < until:
            writer.write(_request(n))
            await writer.drain()
            answer = await reader.readuntil(b"\n\n")
            assert answer.startswith(b"action="), answer
            n += CONNECTIONS
            done += 1
        writer.close()

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(CONNECTIONS)))
    return done / (time.monotonic() - started)


def _wait(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server on {port} exited ({process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _seed(env: dict[str, str]) -> None:
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    script = (
        "import django; django.setup()\n"
        "from accounts.models import ConnectionPlan, Member\n"
        "plan = ConnectionPlan.objects.create(code='bench', name='b', name_en='b', line_type='fibre',"
        " ip_type='dynamic', monthly_fee=1, send_quota_per_hour=10**9, send_quota_per_day=10**9)\n"
        f"Member.objects.bulk_create([Member(member_number=f'B{{i:07d}}', name='b', name_kana='b',"
        f" phone='0', email='b@example.jp', connection_username=f'bench{{i}}',"
        f" mail_address=f'bench{{i}}@okbnet.ne.jp', plan=plan) for i in range({MEMBERS})], batch_size=2000)\n"
    )
    subprocess.run(
        [PY, "-c", script], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "okbnet_portal.settings"}, check=True
    )


def run() -> list[dict]:
    var = tempfile.mkdtemp(prefix="okbnet-bench-policy-")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "OKBNET_VAR_DIR": var,
        "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    redis = env.get("CACHE_URL", "").startswith("redis")
    if redis:
        env["OKBNET_POLICY_REDIS_URL"] = env["CACHE_URL"]  # its counters are removed at the end
    _seed(env)
    ours_port, trivial_port = free_port(), free_port()
    ours = subprocess.Popen([PY, "manage.py", "policy_server", "--bind", f"127.0.0.1:{ours_port}"], cwd=ROOT, env=env)
    trivial = subprocess.Popen([sys.executable, "-c", TRIVIAL, str(trivial_port)])
    try:
        _wait(ours_port, ours)
        _wait(trivial_port, trivial)
        asyncio.run(_load(ours_port, 2, until=SENDERS))  # warm-up: every sender's first recipient
        asyncio.run(_load(trivial_port, 1))
        medians = alternate(
            {
                "trivial": lambda: asyncio.run(_load(trivial_port, SECONDS)),
                "policy": lambda: asyncio.run(_load(ours_port, SECONDS)),
            },
            rounds=ROUNDS,
        )
    finally:
        for process in (ours, trivial):
            process.terminate()
            process.wait(20)
        if redis:
            import redis as redis_client

            client = redis_client.Redis.from_url(env["OKBNET_POLICY_REDIS_URL"])
            for key in client.scan_iter("okbnet:policy:n:*"):
                client.delete(key)
    where = "Redis" if redis else "memory (no CACHE_URL)"
    print(
        f"trivial DUNNO server:  {medians['trivial']:8.0f} decisions/s (median of {ROUNDS}, {CONNECTIONS} connections)"
    )
    print(
        f"policy_server:         {medians['policy']:8.0f} decisions/s "
        f"({MEMBERS} members, {SENDERS} sending, counters in {where})"
    )
    ratio = medians["policy"] / medians["trivial"]
    print(f"ratio policy / trivial = {ratio:.2f}  (goal >= 0.5)")
    return [row("policy decisions per second / trivial DUNNO server", ratio, 0.5, at_least=True)]


def main() -> None:
    run()


if __name__ == "__main__":
    main()
