"""The policy service's settings are read strictly: a typo stops start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from okbnet_portal.env import env_choice, parse_host_port

GOOD_BINDS = [("127.0.0.1:10040", ("127.0.0.1", 10040)), ("[::1]:10040", ("::1", 10040)), ("gw:1", ("gw", 1))]
BAD_BINDS = ["127.0.0.1", "127.0.0.1:", ":10040", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:port", ""]


@pytest.mark.parametrize(("raw", "expected"), GOOD_BINDS)
def test_a_good_bind_is_read(raw, expected):
    assert parse_host_port("OKBNET_POLICY_BIND", raw) == expected


@pytest.mark.parametrize("raw", BAD_BINDS)
def test_a_bad_bind_stops_start_up(raw):
    with pytest.raises(ImproperlyConfigured):
        parse_host_port("OKBNET_POLICY_BIND", raw)


@pytest.mark.parametrize(("raw", "expected"), [(None, "DEFER"), ("dunno", "DUNNO"), (" DEFER ", "DEFER")])
def test_the_error_answer_is_one_of_two(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("OKBNET_POLICY_ON_ERROR", raising=False)
    else:
        monkeypatch.setenv("OKBNET_POLICY_ON_ERROR", raw)
    assert env_choice("OKBNET_POLICY_ON_ERROR", "DEFER", ("DUNNO", "DEFER")) == expected


@pytest.mark.parametrize("raw", ["REJECT", "OK", "defer_if_permit"])
def test_any_other_error_answer_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("OKBNET_POLICY_ON_ERROR", raw)
    with pytest.raises(ImproperlyConfigured):
        env_choice("OKBNET_POLICY_ON_ERROR", "DEFER", ("DUNNO", "DEFER"))
