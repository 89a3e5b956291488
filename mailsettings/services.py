"""Entry points for verdicts: every interface (page, API, saved setup) goes through here."""

from typing import Any

from . import op25b, stats


def verdict_for(inputs: op25b.Inputs) -> dict[str, Any]:
    """The verdict object of DESIGN §7 for validated inputs."""
    verdict = op25b.decide(inputs)
    stats.verdict_record(verdict["verdict"])
    return verdict


def verdict_from_data(data: dict[str, Any]) -> dict[str, Any]:
    """Validate raw inputs and decide; raises op25b.InvalidInputs with field errors."""
    return verdict_for(op25b.clean_inputs(data))
