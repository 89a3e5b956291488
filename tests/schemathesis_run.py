"""schemathesis over every operation of /api/schema/ against a live server with a valid key, with
all its checks: what tests/test_api_schema_coverage.py (the coverage phase) and
tests/test_api_schema_fuzz.py (the examples, fuzzing and stateful phases) share. Two modules, so
that a parallel run (`make test`, pytest-xdist) gives the two halves to two workers.

A fixed amount of work, not a time budget: `--max-examples` cases per operation in the fuzzing and
stateful phases, and the coverage phase's cases (every boundary the schema defines), from a fixed
seed. With `--max-time` schemathesis repeats fuzzing and stateful testing until the time is spent,
so the number of cases followed the machine's load (42 cases on a loaded machine, when the
coverage phase alone took 230 s). On a quiet machine the two runs make about 1,600 cases in about
60 s (coverage) and 45 s (the rest); the time-outs below only stop a run that hangs."""

import re
import subprocess
import sys
from pathlib import Path

from accounts.models import ClientAPIKey
from okbnet_portal.celery import app

from .factories import MemberFactory, PlanFactory, StaffFactory

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 25  # per operation, fuzzing and stateful phases
HANG_SECONDS = 900  # a safety net only: the run is bounded by its number of cases
CONFIG = Path(__file__).with_name("schemathesis.toml")


def schemathesis_passes(live_server, settings, tmp_path, phases: list[str], min_cases: int) -> int:
    """Run the phases over every operation; assert no failure, every phase ran and at least
    `min_cases` cases were generated; return how many were."""
    # Verdicts may consult DNS: only loopback (a closed port) may be a target.
    settings.OKBNET_DNS_NAMESERVERS = ["127.0.0.1:9"]
    plan = PlanFactory(code="fibre-home")
    # Suspended: the plan changes schemathesis files end `failed` in the worker without e-mailing
    # anyone, so nothing of this test lands in a later test's outbox.
    MemberFactory(member_number="M1000001", plan=plan, user=None, status="suspended")
    StaffFactory(username="suzuki")  # the schema's example assignee
    _obj, key = ClientAPIKey.objects.create_key(name="schemathesis", scopes=["read", "write"])
    result = _run(live_server.url, key, tmp_path, phases)
    app.control.purge()  # what no worker has taken yet
    out = result.stdout
    assert result.returncode == 0, out[-12000:] + result.stderr[-3000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", out)
    assert generated and int(generated[1]) >= min_cases, out[-3000:]
    assert not re.search(r"\d+ failed", out), out[-3000:]
    for phase in phases:
        assert phase.capitalize() in out, out[-3000:]
    print(f"schemathesis {','.join(phases)}: {generated[1]} generated cases")
    return int(generated[1])


def _run(base: str, key: str, cwd, phases: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/api/schema/?format=json",
            "--url",
            base,
            "--header",
            f"Authorization: Api-Key {key}",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--workers",
            "1",
            "--phases",
            ",".join(phases),
            "--generation-with-security-parameters",
            "false",
            "--generation-database",
            "none",
            "--seed",
            "20261128",
            "--no-color",
            "--output-truncate",
            "true",
            "--request-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        cwd=cwd,
    )
