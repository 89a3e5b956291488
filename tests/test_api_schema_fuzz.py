"""schemathesis's examples, fuzzing and stateful phases over every operation, with all checks: no
server error, no response outside the schema, negative data rejected and positive data accepted
(tests/schemathesis_run.py; the coverage phase is tests/test_api_schema_coverage.py)."""

import pytest

from .schemathesis_run import HANG_SECONDS, schemathesis_passes

pytestmark = pytest.mark.long_running

MIN_CASES = 400  # what this seed generates (about 600), with room for the stateful phase's variation


@pytest.mark.timeout(HANG_SECONDS + 60)
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, settings, tmp_path):
    schemathesis_passes(live_server, settings, tmp_path, ["examples", "fuzzing", "stateful"], MIN_CASES)
