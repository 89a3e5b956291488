"""The quick-reference table, row by row (table-driven), and properties over all inputs."""

import itertools

import pytest
from django.utils import translation
from hypothesis import given

from mailsettings import op25b
from okbnet_portal.errors import InvalidInput

from .strategies import python_inputs

D, F = "dynamic", "fixed"
GW = {"host": "gw.okbnet.ne.jp", "port": 587, "security": "starttls", "auth": True}
GW_SSL = {"host": "gw.okbnet.ne.jp", "port": 465, "security": "ssl", "auth": True}

# (inputs, rule, verdict, affected, action_required, plan_change_required)
CASES = [
    ({"ip_type": F, "sending_via": "own_server", "port": 25}, "R1", "exempt_fixed_ip", False, False, False),
    (
        {"ip_type": F, "sending_via": "other_provider", "port": 25, "provider_submission": "none"},
        "R1",
        "exempt_fixed_ip",
        False,
        False,
        False,
    ),
    ({"ip_type": D, "sending_via": "none"}, "R2", "not_affected", False, False, False),
    ({"ip_type": D, "sending_via": "webmail"}, "R3", "not_affected", False, False, False),
    ({"ip_type": D, "sending_via": "okbnet", "port": None}, "R4", "undetermined_port_unknown", None, True, False),
    (
        {"ip_type": D, "sending_via": "other_provider", "port": None},
        "R4",
        "undetermined_port_unknown",
        None,
        True,
        False,
    ),
    ({"ip_type": D, "sending_via": "own_server", "port": None}, "R4", "undetermined_port_unknown", None, True, False),
    ({"ip_type": D, "sending_via": "okbnet", "port": 587}, "R5", "not_affected", False, False, False),
    ({"ip_type": D, "sending_via": "okbnet", "port": 465}, "R5", "not_affected", False, False, False),
    ({"ip_type": D, "sending_via": "okbnet", "port": 25}, "R6", "not_blocked_update_recommended", False, True, False),
    ({"ip_type": D, "sending_via": "other_provider", "port": 587}, "R7", "not_affected", False, False, False),
    ({"ip_type": D, "sending_via": "other_provider", "port": 465}, "R7", "not_affected", False, False, False),
    (
        {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "587"},
        "R8",
        "affected_switch_to_submission",
        True,
        True,
        False,
    ),
    (
        {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "both"},
        "R8",
        "affected_switch_to_submission",
        True,
        True,
        False,
    ),
    (
        {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "465"},
        "R9",
        "affected_switch_to_submission",
        True,
        True,
        False,
    ),
    ({"ip_type": D, "sending_via": "other_provider", "port": 25}, "R10", "affected_check_provider", True, True, False),
    (
        {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "unknown"},
        "R10",
        "affected_check_provider",
        True,
        True,
        False,
    ),
    (
        {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "none"},
        "R11",
        "affected_use_okbnet_gateway",
        True,
        True,
        False,
    ),
    ({"ip_type": D, "sending_via": "own_server", "port": 587}, "R12", "not_affected", False, False, False),
    ({"ip_type": D, "sending_via": "own_server", "port": 465}, "R12", "not_affected", False, False, False),
    ({"ip_type": D, "sending_via": "own_server", "port": 25}, "R13", "affected_fixed_ip_required", True, True, True),
]


def verdict(data):
    return op25b.decide(op25b.clean_inputs(data))


@pytest.mark.parametrize(("data", "rule", "code", "affected", "action", "plan_change"), CASES)
def test_each_row_of_the_table_gives_its_verdict(data, rule, code, affected, action, plan_change):
    result = verdict(data)
    assert (result["rule"], result["verdict"]) == (rule, code)
    assert result["affected"] is affected
    assert result["action_required"] is action
    assert result["plan_change_required"] is plan_change


def test_the_cases_cover_every_rule_of_the_table():
    assert {case[1] for case in CASES} == {rule.id for rule in op25b.TABLE}


def test_r11_sends_through_the_okbnet_gateway_on_587_with_465_as_alternative():
    result = verdict({"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "none"})
    assert result["settings"].items() >= GW.items()
    assert [alt.items() >= GW_SSL.items() for alt in result["alternatives"]] == [True]
    assert any("gw.okbnet.ne.jp" in step for step in result["steps"])


R11_BODY = {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "none"}


def test_own_domain_members_get_their_own_gateway():
    inputs = op25b.clean_inputs(
        {**R11_BODY, "okbnet_address": "info@Example-Shop.jp"}, is_okbnet_domain=lambda d: d == "example-shop.jp"
    )
    result = op25b.decide(inputs)
    assert result["settings"]["host"] == "gw.example-shop.jp"
    assert result["alternatives"][0]["host"] == "gw.example-shop.jp"


@pytest.mark.parametrize("address", ["taro@gmail.com", "hanako@yamada-shoten.jp", "info@example-shop.jp"])
def test_without_a_registry_only_okbnets_own_domain_gives_a_gateway(address):
    with pytest.raises(InvalidInput) as caught:
        op25b.clean_inputs({**R11_BODY, "okbnet_address": address})
    assert set(caught.value.errors) == {"okbnet_address"}
    assert caught.value.foreign_domain == address.split("@")[1]


def test_free_mail_domains_are_named():
    with translation.override("ja"), pytest.raises(InvalidInput) as caught:
        op25b.clean_inputs({**R11_BODY, "okbnet_address": "taro@gmail.com"})
    assert "Gmail" in caught.value.errors["okbnet_address"][0]
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        op25b.clean_inputs({**R11_BODY, "okbnet_address": "hanako@docomo.ne.jp"})
    assert "docomo mail" in caught.value.errors["okbnet_address"][0]


def test_r6_gives_the_specified_setting():
    result = verdict({"ip_type": D, "sending_via": "okbnet", "port": 25, "okbnet_address": "taro@okbnet.ne.jp"})
    assert result["settings"].items() >= GW.items()


def test_r8_uses_the_providers_host_when_known_and_offers_465_when_both():
    result = verdict(
        {
            "ip_type": D,
            "sending_via": "other_provider",
            "port": 25,
            "provider_submission": "both",
            "provider_host": "smtp.example.ne.jp",
        }
    )
    assert (result["settings"]["host"], result["settings"]["port"], result["settings"]["security"]) == (
        "smtp.example.ne.jp",
        587,
        "starttls",
    )
    assert [(a["port"], a["security"]) for a in result["alternatives"]] == [(465, "ssl")]


def test_r8_without_a_host_says_where_to_find_it():
    result = verdict({"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "587"})
    assert result["settings"]["host"] is None
    assert result["alternatives"] == []
    with translation.override("en"):
        result = verdict({"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "587"})
    assert any("provider's mail settings page" in step for step in result["steps"])


def test_r9_switches_to_465_ssl():
    result = verdict(
        {
            "ip_type": D,
            "sending_via": "other_provider",
            "port": 25,
            "provider_submission": "465",
            "provider_host": "mail.example.jp",
        }
    )
    assert (result["settings"]["host"], result["settings"]["port"], result["settings"]["security"]) == (
        "mail.example.jp",
        465,
        "ssl",
    )


@pytest.mark.parametrize("rule", ["R1", "R2", "R3", "R4", "R5", "R7", "R10", "R12", "R13"])
def test_nothing_to_type_means_settings_is_null(rule):
    data = next(case[0] for case in CASES if case[1] == rule)
    assert verdict(data)["settings"] is None


def test_no_verdict_ever_contains_a_password():
    for data, *_ in CASES:
        result = verdict(data)
        for server in [result["settings"], *result["alternatives"]]:
            if server:
                assert "password" not in server


def test_texts_come_in_japanese_by_default_and_english_on_request():
    data = {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "none"}
    with translation.override("ja"):
        ja = verdict(data)
    with translation.override("en"):
        en = verdict(data)
    assert en["title"] == "Affected: send through OKBNET's gateway"
    assert ja["title"] != en["title"]
    assert "ゲートウェイ" in ja["title"]
    assert ja["settings"]["username"] == "OKBNETのメールアドレス（承り書の「メールアドレス」欄に記載）"


BAD = [
    ({}, {"ip_type", "sending_via"}),
    ({"ip_type": "static", "sending_via": "none"}, {"ip_type"}),
    ({"ip_type": D, "sending_via": "pigeon"}, {"sending_via"}),
    ({"ip_type": D, "sending_via": "okbnet"}, {"port"}),  # missing port for a sender that needs one
    ({"ip_type": D, "sending_via": "okbnet", "port": 26}, {"port"}),
    ({"ip_type": D, "sending_via": "okbnet", "port": "abc"}, {"port"}),
    ({"ip_type": D, "sending_via": "okbnet", "port": True}, {"port"}),
    ({"ip_type": D, "sending_via": "okbnet", "port": 25.5}, {"port"}),
    ({"ip_type": D, "sending_via": "okbnet", "port": 25, "okbnet_address": "not-an-address"}, {"okbnet_address"}),
    (
        {"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_submission": "2525"},
        {"provider_submission"},
    ),
    ({"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_host": "smtp example"}, {"provider_host"}),
    ({"ip_type": D, "sending_via": "other_provider", "port": 25, "provider_domain": "localhost"}, {"provider_domain"}),
    ({"ip_type": D, "sending_via": "none", "provider_host": 42}, {"provider_host"}),
]


@pytest.mark.parametrize(("data", "fields"), BAD)
def test_bad_input_is_refused_with_field_errors_never_guessed(data, fields):
    with pytest.raises(InvalidInput) as exc:
        op25b.clean_inputs(data)
    assert set(exc.value.errors) == fields


def test_every_valid_combination_matches_exactly_the_first_fitting_row():
    for ip, via, port, sub in itertools.product(
        op25b.IpType.values, op25b.SendingVia.values, [*op25b.PORTS, None], op25b.ProviderSubmission.values
    ):
        inputs = op25b.clean_inputs({"ip_type": ip, "sending_via": via, "port": port, "provider_submission": sub})
        rule = op25b.match(inputs)
        earlier = op25b.TABLE[: op25b.TABLE.index(rule)]
        assert not any(r.matches(inputs) for r in earlier)


@given(python_inputs)
def test_any_input_gets_a_verdict_or_field_errors(data):
    try:
        result = verdict(data)
    except InvalidInput as exc:
        assert exc.errors and all(isinstance(m, str) for ms in exc.errors.values() for m in ms)
    else:
        assert result["rule"] in op25b.RULES_BY_ID


def test_an_infinite_port_is_a_field_error_not_a_crash():
    with pytest.raises(InvalidInput) as caught:
        op25b.clean_inputs({"ip_type": "dynamic", "sending_via": "okbnet", "port": float("inf")})
    assert set(caught.value.errors) == {"port"}
