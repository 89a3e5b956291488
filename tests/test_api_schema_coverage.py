"""schemathesis's coverage phase over every operation, with all checks: every boundary and every
wrong type the schema defines, for each parameter and body field (tests/schemathesis_run.py)."""

import pytest

from .schemathesis_run import HANG_SECONDS, schemathesis_passes

pytestmark = pytest.mark.long_running

MIN_CASES = 700  # what this seed generates (about 1,000); the coverage phase's cases are fixed


@pytest.mark.timeout(HANG_SECONDS + 60)
@pytest.mark.django_db(transaction=True)
def test_schemathesis_coverage_phase_finds_no_server_error_and_no_schema_violation(live_server, settings, tmp_path):
    schemathesis_passes(live_server, settings, tmp_path, ["coverage"], MIN_CASES)
