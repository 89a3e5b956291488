"""Tests talk to real components. Locally a missing one skips with a reason; in CI it fails."""

import os

import pytest


def require(available: bool, what: str) -> None:
    if available:
        return
    message = f"{what} is not available on this machine"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must provide it (.ci/run installs it)")
    pytest.skip(message)
