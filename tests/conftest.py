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


# --- DNS: a real NSD on 127.0.0.1 (tests/nsd.py) serving tests/dns_zones.py ---------------


@pytest.fixture(scope="session")
def nsd_server():
    """The session's NSD, or None when nsd is not installed (tests that need it call require)."""
    from .dns_zones import ZONES
    from .nsd import NSD, NsdServer

    if NSD is None:
        yield None
        return
    with NsdServer(ZONES) as server:
        yield server


@pytest.fixture(autouse=True)
def _dns_on_loopback(settings, nsd_server):
    """Every test resolves through loopback only: the session's NSD (which refuses names outside
    its zones at once), or without nsd a port nobody answers."""
    settings.OKBNET_DNS_NAMESERVERS = [nsd_server.address] if nsd_server else ["127.0.0.1:9"]


@pytest.fixture
def dns(nsd_server, settings):
    """Tests that need the real DNS server: resolver settings point at it, DNS caches are empty."""
    from django.core.cache import cache

    from .components import require

    require(nsd_server is not None, "nsd (Debian package nsd)")
    settings.OKBNET_DNS_NAMESERVERS = [nsd_server.address]
    cache.clear()
    return nsd_server


class _BrokerSwitch:
    """Points what the portal sends (`broker_write_url`) at a closed loopback port, and back.

    The session's worker keeps its own consuming connection to the real broker, as a worker host
    does while the web host cannot reach the broker.
    """

    def __init__(self, app):
        import socket

        self.app = app
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            self.closed_url = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
        self.saved = app.conf.broker_write_url, app._pool, app.amqp._producer_pool

    def down(self) -> None:
        self.app.conf.broker_write_url = self.closed_url
        self.app._pool = self.app.amqp._producer_pool = None

    def back(self) -> None:
        self.app.conf.broker_write_url, self.app._pool, self.app.amqp._producer_pool = self.saved


@pytest.fixture
def broker_down(settings):
    """The broker is unreachable for the portal's sends; `broker_down.back()` brings it back."""
    from okbnet_portal.celery import app

    from .components import require

    require(settings.CELERY_BROKER_URL.startswith("redis://"), "a Redis broker (set CELERY_BROKER_URL)")
    switch = _BrokerSwitch(app)
    switch.down()
    try:
        yield switch
    finally:
        switch.back()


@pytest.fixture
def okbnet_test_names(dns, settings):
    """OKBNET's own names (mail domain, SPF include; MX, key, autoconfig host follow) in the test zones."""
    settings.OKBNET_MAIL_DOMAIN = "okbnet.test"
    settings.OKBNET_SPF_INCLUDE = "_spf.okbnet.test"
    return dns


# --- the mail gateway's policy service (network.policy) ------------------------------------


@pytest.fixture
def policy_redis(settings):
    """The policy counters' Redis (CACHE_URL's), without earlier tests' counters."""
    import redis

    from network.policy import KEY_PREFIX
    from tests.components import require

    url = settings.OKBNET_POLICY_REDIS_URL
    require(bool(url), "Redis for the policy counters (CACHE_URL=redis://...)")
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{KEY_PREFIX}:n:*"):
        client.delete(key)
    return url
