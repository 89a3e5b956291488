"""A real worker on the configured broker (filesystem:// locally, Redis in CI)."""

import pytest

from okbnet_portal.celery import app, ping


@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_the_broker_and_a_worker(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"


def test_the_app_never_runs_tasks_eagerly():
    assert not app.conf.task_always_eager
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.django_db(transaction=True)
def test_ping_worker_reports_the_round_trip(celery_worker):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("ping_worker", stdout=out)
    assert out.getvalue().startswith("worker answered 'pong' in ")
