import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey

from .factories import MemberFactory, StaffFactory

# The machine is small and shared: judge properties, not speed (speed lives in bench/).
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")


@pytest.fixture
def api_key(db):
    """A valid key of the call-center tool with read and write scopes."""
    _obj, key = ClientAPIKey.objects.create_key(name="call-center", scopes=["read", "write"])
    return key


@pytest.fixture
def api(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    return client


@pytest.fixture
def anon_api():
    return APIClient()


# The trio of every access test: the owner, staff, and an outsider (healthchecks' alice/bob/charlie).
@pytest.fixture
def alice(db):
    return MemberFactory()


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def charlie(db):
    return MemberFactory()


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker):
    """A real Celery worker (in a thread of this process) on the configured broker.

    Tests that use it must be `@pytest.mark.django_db(transaction=True)`, so that the
    worker's own database connection sees their rows.
    """
    from celery.contrib.testing.worker import start_worker

    from okbnet_portal.celery import app

    app.control.purge()
    with (
        django_db_blocker.unblock(),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker,
    ):
        yield worker


@pytest.fixture
def celery_worker(celery_worker_session, transactional_db):
    return celery_worker_session
