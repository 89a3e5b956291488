"""The submission probe (DESIGN §7b) against real SMTP servers on loopback, and its address rule.

Every peer listens on a 127.0.0.x address (tests/dns_zones.py PROBE_HOSTS, served by NSD); the
settings remap 587/465 to one free port pair for all of them. The conftest lets the probe connect
to 127.0.0.0/8 only, whatever DNS says.
"""

from __future__ import annotations

import ipaddress
import time

import pytest

from mailsettings import op25b, services, smtpprobe
from mailsettings.models import SubmissionProbe

from .dns_zones import PROBE_HOSTS
from .smtp_servers import Certificates, ChangingDns, SilentServer, SmtpServer, free_port_on
from .waiting import run_queued_provider_checks

BASE = {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25}
CONNECT, WHOLE = 1.0, 3.0  # the tests' timeouts (production: 5 s and 15 s)


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    """Every SMTP peer of PROBE_HOSTS, started once for the module."""
    # Two catalogue hosts too: the catalogue check's own DNS points them at these peers.
    names = [n for n in PROBE_HOSTS if n != "smtp.private.probe.test"] + ["smtp.gmail.com", "smtp.mail.yahoo.co.jp"]
    certs = Certificates(tmp_path_factory.mktemp("certs"), names)
    addresses = sorted(set(PROBE_HOSTS.values()) | {"127.0.0.19"})
    p587, p465 = free_port_on(*addresses), None
    while p465 is None or p465 == p587:
        p465 = free_port_on(*addresses)
    ok = certs.server
    servers = {
        "good587": SmtpServer("127.0.0.11", p587, tls="starttls", auth=True, cert=ok),
        "good465": SmtpServer("127.0.0.11", p465, tls="implicit", auth=True, cert=ok),
        "only465": SmtpServer("127.0.0.12", p465, tls="implicit", auth=True, cert=ok),
        "noauth587": SmtpServer("127.0.0.13", p587, tls="starttls", auth=False, cert=ok),
        "selfsigned587": SmtpServer("127.0.0.14", p587, tls="starttls", auth=True, cert=certs.self_signed),
        "silent587": SilentServer("127.0.0.15", p587),
        "silent465": SilentServer("127.0.0.15", p465),
        "private587": SilentServer("127.0.0.2", p587),
        "private465": SilentServer("127.0.0.2", p465),
        "later587": SilentServer("127.0.0.19", p587),
        "later465": SilentServer("127.0.0.19", p465),
    }
    for server in servers.values():
        server.__enter__()
    try:
        yield {"ports": (p587, p465), "certs": certs, **servers}
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)


@pytest.fixture
def probe_settings(db, settings, peers, dns):
    """The probe pointed at the loopback servers. With the database: the probe refuses OKBNET's own
    networks, which it reads from the IP pools."""
    settings.OKBNET_SMTP_PROBE_PORTS = f"587={peers['ports'][0]},465={peers['ports'][1]}"
    settings.OKBNET_SMTP_PROBE_CAFILE = peers["certs"].ca
    settings.OKBNET_SMTP_PROBE_CONNECT_TIMEOUT = CONNECT
    settings.OKBNET_SMTP_PROBE_TIMEOUT = WHOLE
    settings.OKBNET_SMTP_PROBES_PER_HOST_HOUR = 1000
    for server in peers.values():
        if isinstance(server, SmtpServer):
            server.commands.clear()
    return settings


def _no_secrets_sent(peers) -> None:
    for name, server in peers.items():
        if isinstance(server, SmtpServer):
            assert server.forbidden() == [], f"{name} received {server.forbidden()}"


def _verdict_with(support: str) -> dict:
    return op25b.decide(op25b.clean_inputs({**BASE, "provider_submission": support}))


# --------------------------------------------------------------------------- the address rule (pure)

NO_ALLOW: tuple = ()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.1", smtpprobe.PRIVATE),
        ("172.16.5.4", smtpprobe.PRIVATE),
        ("192.168.1.1", smtpprobe.PRIVATE),
        ("169.254.169.254", smtpprobe.LINK_LOCAL),
        ("100.64.0.1", smtpprobe.CGNAT),
        ("100.127.255.254", smtpprobe.CGNAT),
        ("127.0.0.1", smtpprobe.LOOPBACK),
        ("0.0.0.0", smtpprobe.UNSPECIFIED),  # noqa: S104 - a value of the pure rule, never bound
        ("224.0.0.251", smtpprobe.MULTICAST),
        ("239.1.2.3", smtpprobe.MULTICAST),
        ("240.0.0.1", smtpprobe.RESERVED),
        ("255.255.255.255", smtpprobe.RESERVED),
        ("192.0.2.1", smtpprobe.PRIVATE),  # documentation (TEST-NET-1)
        ("::1", smtpprobe.LOOPBACK),
        ("::", smtpprobe.UNSPECIFIED),
        ("fc00::1", smtpprobe.PRIVATE),
        ("fd12:3456::1", smtpprobe.PRIVATE),
        ("fe80::1", smtpprobe.LINK_LOCAL),
        ("ff02::1", smtpprobe.MULTICAST),
        ("::ffff:10.0.0.1", smtpprobe.PRIVATE),
        ("::ffff:127.0.0.1", smtpprobe.LOOPBACK),
        ("::ffff:169.254.169.254", smtpprobe.LINK_LOCAL),
        ("2001:db8::1", smtpprobe.PRIVATE),  # documentation
    ],
)
def test_the_address_rule_refuses_what_is_not_public_unicast(address, reason):
    assert smtpprobe.address_refusal(address, allow=NO_ALLOW, own=()) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "133.242.0.1", "2001:4860:4860::8888", "2404:6800::1"])
def test_the_address_rule_allows_a_public_address(address):
    assert smtpprobe.address_refusal(address, allow=NO_ALLOW, own=()) is None


def test_okbnet_s_own_networks_are_refused():
    own = [ipaddress.ip_network("133.242.0.0/16"), ipaddress.ip_network("2404:6800::/32")]
    assert smtpprobe.address_refusal("133.242.7.7", own=own) == smtpprobe.OKBNET
    assert smtpprobe.address_refusal("2404:6800::25", own=own) == smtpprobe.OKBNET
    assert smtpprobe.address_refusal("::ffff:133.242.7.7", own=own) == smtpprobe.OKBNET
    assert smtpprobe.address_refusal("8.8.8.8", own=own) is None


def test_the_allow_list_wins_and_only_where_it_says():
    allow = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.1.0.0/16")]
    assert smtpprobe.address_refusal("127.0.0.1", allow=allow) is None
    assert smtpprobe.address_refusal("10.1.2.3", allow=allow) is None
    assert smtpprobe.address_refusal("::ffff:10.1.2.3", allow=allow) is None
    assert smtpprobe.address_refusal("127.0.0.2", allow=allow) == smtpprobe.LOOPBACK
    assert smtpprobe.address_refusal("10.2.0.1", allow=allow) == smtpprobe.PRIVATE


def test_okbnet_s_networks_come_from_the_ip_pools_and_the_relays(db, settings):
    from network.models import IpPool

    IpPool.objects.create(name="test", network="133.242.0.0/24", kind=IpPool.Kind.DYNAMIC, line_type="ftth")
    nets = smtpprobe.okbnet_networks()
    assert ipaddress.ip_network("133.242.0.0/24") in nets
    assert all(ipaddress.ip_network(a) in nets for a in settings.OKBNET_RELAY_ADDRESSES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {587: 587, 465: 465}),
        ("587=2587,465=2465", {587: 2587, 465: 2465}),
        ("587:10587", {587: 10587, 465: 465}),
    ],
)
def test_only_the_submission_ports_can_be_remapped(text, expected):
    assert smtpprobe.port_map(text) == expected


@pytest.mark.parametrize("text", ["25=2525", "587=0", "587=70000", "465=x"])
def test_other_port_maps_are_refused(text):
    with pytest.raises(ValueError):
        smtpprobe.port_map(text)


@pytest.mark.parametrize(
    ("outcomes", "support"),
    [
        ({587: "ok", 465: "ok"}, "both"),
        ({587: "ok", 465: "no"}, "587"),
        ({587: "unsure", 465: "ok"}, "465"),
        ({587: "no", 465: "no"}, "none"),
        ({587: "no", 465: "unsure"}, "unknown"),
    ],
)
def test_the_ports_give_the_provider_s_support(outcomes, support):
    ports = [smtpprobe.PortResult(port=p, outcome=o) for p, o in outcomes.items()]
    assert smtpprobe.support_from(ports) == support


# --------------------------------------------------------------------------- real servers on loopback


def _probe(host: str) -> tuple[smtpprobe.ProbeResult, float]:
    started = time.monotonic()
    result = services.submission_probe_host(host)
    return result, time.monotonic() - started


def test_starttls_and_auth_on_587_and_implicit_tls_on_465_give_r8(probe_settings, peers):
    result, _ = _probe("smtp.good.probe.test")
    assert (result.address, result.support, result.error) == ("127.0.0.11", "both", None)
    by_port = {p.port: p for p in result.ports}
    assert by_port[587].starttls is True and by_port[465].starttls is None
    for port in by_port.values():
        assert port.reachable and port.certificate_valid and port.outcome == smtpprobe.OK
        assert port.tls_version in ("TLSv1.2", "TLSv1.3")
        assert port.auth_mechanisms == ["LOGIN", "PLAIN"]
        assert port.greeting.startswith(("smtp", "127", "localhost")) or port.greeting
        assert port.checked_at
    assert _verdict_with(result.support)["rule"] == "R8"
    assert peers["good587"].commands == ["EHLO", "STARTTLS", "EHLO", "QUIT"]
    assert peers["good465"].commands == ["EHLO", "QUIT"]
    _no_secrets_sent(peers)


def test_implicit_tls_on_465_only_gives_r9(probe_settings, peers):
    result, _ = _probe("smtp.only465.probe.test")
    assert result.support == "465"
    by_port = {p.port: p for p in result.ports}
    assert by_port[587].error == smtpprobe.CONNECTION_REFUSED and not by_port[587].reachable
    assert by_port[465].outcome == smtpprobe.OK
    assert _verdict_with(result.support)["rule"] == "R9"
    _no_secrets_sent(peers)


def test_a_server_without_auth_gives_r11(probe_settings, peers):
    result, _ = _probe("smtp.noauth.probe.test")
    by_port = {p.port: p for p in result.ports}
    assert by_port[587].starttls is True and by_port[587].auth_mechanisms == []
    assert by_port[587].error == smtpprobe.NO_AUTH
    assert result.support == "none"
    assert _verdict_with(result.support)["rule"] == "R11"
    _no_secrets_sent(peers)


def test_a_self_signed_certificate_leaves_r10_with_the_reason(probe_settings, peers):
    result, _ = _probe("smtp.selfsigned.probe.test")
    by_port = {p.port: p for p in result.ports}
    assert by_port[587].certificate_valid is False and by_port[587].error == smtpprobe.CERTIFICATE_INVALID
    assert result.support == "unknown" and not result.definitive
    assert _verdict_with(result.support)["rule"] == "R10"
    assert peers["selfsigned587"].commands == ["EHLO", "STARTTLS"]
    _no_secrets_sent(peers)


def test_a_server_that_never_answers_is_given_up_within_the_bound(probe_settings, peers):
    result, elapsed = _probe("smtp.silent.probe.test")
    assert [p.error for p in result.ports] == [smtpprobe.TIMEOUT, smtpprobe.TIMEOUT]
    assert result.support == "unknown"
    assert _verdict_with(result.support)["rule"] == "R10"
    assert peers["silent587"].accepted >= 1 and peers["silent465"].accepted >= 1
    assert elapsed <= WHOLE + CONNECT + 1.0  # the whole-probe bound, with the last step's grace


def test_closed_ports_give_r11(probe_settings):
    result, _ = _probe("smtp.closed.probe.test")
    assert [p.error for p in result.ports] == [smtpprobe.CONNECTION_REFUSED] * 2
    assert result.support == "none" and result.definitive
    assert _verdict_with(result.support)["rule"] == "R11"


def test_a_name_outside_the_allow_list_is_refused_without_any_connection(probe_settings, peers):
    probe_settings.OKBNET_SMTP_PROBE_ALLOW = ["127.0.0.1/32"]
    result, _ = _probe("smtp.private.probe.test")
    assert (result.address, result.error, result.refusal) == ("127.0.0.2", smtpprobe.ADDRESS_REFUSED, "loopback")
    assert result.ports == [] and result.connections == 0
    time.sleep(0.3)  # a connection, had one been made, would have been accepted by now
    assert peers["private587"].accepted == 0 and peers["private465"].accepted == 0


def test_a_name_is_resolved_once_and_only_that_address_is_dialled(probe_settings, peers):
    with ChangingDns(first="127.0.0.11", later="127.0.0.19") as changing:
        probe_settings.OKBNET_DNS_NAMESERVERS = [changing.address]
        result, _ = _probe("smtp.flip.example.test")
        assert changing.asked_a == 1
        assert smtpprobe.resolve("smtp.flip.example.test") == "127.0.0.19"  # the answer did change
    assert result.address == "127.0.0.11"
    assert peers["later587"].accepted == 0 and peers["later465"].accepted == 0
    assert peers["good587"].commands[:2] == ["EHLO", "STARTTLS"]


def test_an_unknown_name_opens_no_connection(probe_settings):
    result, _ = _probe("smtp.nowhere.probe.test")
    assert (result.error, result.connections) == (smtpprobe.NOT_RESOLVED, 0)


def test_a_host_is_probed_at_most_so_often(probe_settings, peers):
    probe_settings.OKBNET_SMTP_PROBES_PER_HOST_HOUR = 1
    from django.core.cache import cache

    cache.delete("okbnet:probe-host:smtp.good.probe.test")
    first, _ = _probe("smtp.good.probe.test")
    before = peers["good587"].connections
    second, _ = _probe("smtp.good.probe.test")
    assert first.support == "both"
    assert (second.error, second.connections) == (smtpprobe.RATE_LIMITED, 0)
    assert peers["good587"].connections == before


# --------------------------------------------------------------------------- stored, and the verdict


@pytest.mark.django_db
def test_a_probe_is_stored_with_its_ttl_and_history(probe_settings):
    probe = services.submission_probe_request(name="smtp.good.probe.test", kind=SubmissionProbe.Kind.HOST)
    assert probe.status == SubmissionProbe.Status.QUEUED
    done = services.submission_probe_run(probe_id=probe.pk)
    assert (done.status, done.support, done.host, done.address) == (
        "done",
        "both",
        "smtp.good.probe.test",
        "127.0.0.11",
    )
    assert done.expires_at > done.checked_at
    assert services.submission_probe_run(probe_id=probe.pk) is None  # runs once
    again = services.submission_probe_request(name="smtp.good.probe.test", kind=SubmissionProbe.Kind.HOST)
    assert again.pk == done.pk  # still valid: no new probe


@pytest.mark.django_db
def test_a_mail_domain_is_probed_at_smtp_then_mail(probe_settings):
    probe = services.submission_probe_request(name="mailonly.probe.test", kind=SubmissionProbe.Kind.DOMAIN)
    done = services.submission_probe_run(probe_id=probe.pk)
    assert (done.host, done.support) == ("mail.mailonly.probe.test", "both")


@pytest.mark.django_db
def test_the_verdict_answers_at_once_and_the_probe_moves_it_from_r10_to_r8(probe_settings):
    data = {**BASE, "provider_host": "smtp.good.probe.test"}
    verdict, _facts = services.verdict_give(data, counted=False)
    assert (verdict["rule"], verdict["provider_submission_pending"]) == ("R10", True)
    run_queued_provider_checks()
    verdict, _facts = services.verdict_give(data, counted=False)
    assert (verdict["rule"], verdict["provider_submission_source"]) == ("R8", "probe")
    assert verdict["provider_submission_pending"] is False
    assert verdict["settings"]["host"] == "smtp.good.probe.test"


@pytest.mark.django_db
def test_a_closed_server_moves_the_verdict_to_r11(probe_settings):
    data = {**BASE, "provider_host": "smtp.closed.probe.test"}
    services.verdict_give(data, counted=False)
    run_queued_provider_checks()
    verdict, _facts = services.verdict_give(data, counted=False)
    assert (verdict["rule"], verdict["provider_submission_source"]) == ("R11", "probe")


@pytest.mark.django_db
def test_one_client_cannot_start_provider_checks_without_end(probe_settings):
    probe_settings.OKBNET_PROVIDER_CHECKS_PER_CLIENT_HOUR = 2
    from django.core.cache import cache

    cache.delete("okbnet:provider-checks:192.0.2.50")
    for n in range(3):
        _verdict, facts = services.verdict_give(
            {**BASE, "provider_host": f"smtp.n{n}.nowhere.test"}, counted=False, client="192.0.2.50"
        )
    assert facts["limited"] is True
    assert SubmissionProbe.objects.count() + 0 <= 2


@pytest.mark.django_db(transaction=True)
def test_the_api_waits_for_the_probe_when_asked(probe_settings, api, celery_worker):
    body = {**BASE, "provider_host": "smtp.only465.probe.test", "wait": True}
    response = api.post("/api/v1/op25b/verdict/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert (data["rule"], data["provider_submission_source"], data["provider_submission_pending"]) == (
        "R9",
        "probe",
        False,
    )


@pytest.mark.django_db
def test_the_api_answers_at_once_without_wait(probe_settings, api):
    body = {**BASE, "provider_host": "smtp.good.probe.test"}
    data = api.post("/api/v1/op25b/verdict/", body, format="json").json()
    assert (data["rule"], data["provider_submission_source"], data["provider_submission_pending"]) == (
        "R10",
        None,
        True,
    )


@pytest.mark.django_db
def test_wait_must_be_true_or_false(api):
    response = api.post("/api/v1/op25b/verdict/", {**BASE, "wait": "yes"}, format="json")
    assert response.status_code == 400 and "wait" in response.json()


# --------------------------------------------------------------------------- the catalogue, checked


@pytest.mark.django_db
def test_the_catalogue_check_reports_the_entries_that_no_longer_match(probe_settings, peers):
    """A DNS server of its own answers for two catalogue hosts with loopback peers: Gmail's offers
    what the catalogue says, Yahoo!'s now offers no AUTH; the others do not resolve here."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from mailsettings import providers

    from .nsd import NSD, NsdServer

    assert NSD is not None
    zones = {"gmail.com": "smtp A 127.0.0.11", "mail.yahoo.co.jp": "smtp A 127.0.0.13"}
    out = StringIO()
    with NsdServer(zones) as catalogue_dns:
        probe_settings.OKBNET_DNS_NAMESERVERS = [catalogue_dns.address]
        with pytest.raises(CommandError, match="Yahoo! JAPAN"):
            call_command("check_provider_catalogue", stdout=out)
    *rows, total = out.getvalue().splitlines()
    by_host = {p.host: next(line for line in rows if f" {p.host} " in line) for p in providers.CATALOGUE}
    assert len(rows) == len(providers.CATALOGUE)
    assert by_host["smtp.gmail.com"].startswith("matches")
    yahoo = by_host["smtp.mail.yahoo.co.jp"]
    assert yahoo.startswith("differs") and "listed=465 probed=none" in yahoo
    assert all(by_host[p.host].startswith("unchecked") for p in providers.CATALOGUE[2:])
    assert total == f"{len(providers.CATALOGUE)} entries: 1 match, 1 differ, {len(providers.CATALOGUE) - 2} unchecked"
    _no_secrets_sent(peers)


# --------------------------------------------------------------------------- Debian's Postfix


@pytest.fixture
def postfix(peers, probe_settings):
    from .components import require
    from .postfix_peer import PostfixSubmission, available

    require(available(), "postfix and dovecot-core (Debian packages)")
    with PostfixSubmission("127.0.0.17", peers["ports"][0], peers["certs"].server, "smtp.postfix.probe.test") as pf:
        yield pf


@pytest.mark.django_db
def test_postfix_as_a_provider_s_submission_service_gives_r8(postfix):
    before = len(postfix.sessions())
    result, _ = _probe("smtp.postfix.probe.test")
    by_port = {p.port: p for p in result.ports}
    assert by_port[587].starttls is True and by_port[587].certificate_valid is True
    assert by_port[587].greeting.startswith("smtp.postfix.probe.test ESMTP")
    assert set(by_port[587].auth_mechanisms) == {"LOGIN", "PLAIN"}  # Dovecot's, offered after TLS
    assert by_port[465].error == smtpprobe.CONNECTION_REFUSED
    assert result.support == "587"
    assert _verdict_with(result.support)["rule"] == "R8"
    deadline = time.monotonic() + 10
    while len(postfix.sessions()) == before and time.monotonic() < deadline:
        time.sleep(0.1)  # postlogd writes the line a moment after the session ends
    assert postfix.sessions()[before:] == ["ehlo=2 starttls=1 quit=1 commands=4"]  # no AUTH, MAIL, RCPT, DATA


@pytest.mark.django_db
def test_a_probe_whose_task_was_lost_is_queued_again(probe_settings, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    lost = SubmissionProbe.objects.create(name="smtp.good.probe.test", kind=SubmissionProbe.Kind.HOST)
    SubmissionProbe.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        verdict, _facts = services.verdict_give({**BASE, "provider_host": "smtp.good.probe.test"}, counted=False)
    assert verdict["provider_submission_pending"] is True
    assert len(callbacks) >= 2  # the provider domain's DNS check, and the lost probe again
    assert SubmissionProbe.objects.count() == 1
    assert services.submission_probe_run(probe_id=lost.pk).support == "both"
