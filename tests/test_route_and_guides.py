"""The mail-route picture and the per-client guides, over every row of the table."""

import pytest
from django.utils import translation

from mailsettings import guides, op25b
from mailsettings.models import MailProgram
from mailsettings.route import mail_route

from .test_op25b import CASES


@pytest.mark.parametrize(("data", "rule"), [(c[0], c[1]) for c in CASES])
def test_a_hop_is_marked_blocked_exactly_when_the_verdict_says_affected(data, rule):
    inputs = op25b.clean_inputs(data)
    verdict = op25b.decide(inputs)
    routes = mail_route(inputs, verdict)
    if inputs.sending_via == "none":
        assert routes == []
        return
    current = routes[0]
    assert current.kind == "current"
    assert current.blocked is (verdict["affected"] is True)
    assert sum(link.blocked for link in current.links) == (1 if verdict["affected"] else 0)
    for fixed in routes[1:]:
        assert fixed.kind == "fixed" and not fixed.blocked


def test_the_fixed_route_goes_through_the_gateway_on_587_for_r11():
    inputs = op25b.clean_inputs(
        {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25, "provider_submission": "none"}
    )
    current, fixed = mail_route(inputs, op25b.decide(inputs))
    assert current.links[0].blocked and "25" in current.links[0].label
    assert fixed.nodes[1].detail == "gw.okbnet.ne.jp"
    assert "587" in fixed.links[0].label


def test_r13_shows_the_route_on_a_fixed_ip_line_after_the_change():
    inputs = op25b.clean_inputs({"ip_type": "dynamic", "sending_via": "own_server", "port": 25})
    with translation.override("en"):
        _current, fixed = mail_route(inputs, op25b.decide(inputs))
    assert "fixed-IP" in fixed.nodes[0].detail


def test_there_is_a_guide_for_every_mail_program():
    assert {g.program for g in guides.GUIDES} == set(MailProgram.values)


@pytest.mark.parametrize("program", MailProgram.values)
def test_each_guide_fills_in_the_member_values_and_never_a_password(program):
    inputs = op25b.clean_inputs(
        {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25, "provider_submission": "none"}
    )
    with translation.override("ja"):
        settings = guides.guide_settings(inputs, op25b.decide(inputs))
        rendered = guides.render_guides(settings, program)
    assert rendered[0]["program"] == program and rendered[0]["selected"]
    text = " ".join(rendered[0]["steps"])
    assert "gw.okbnet.ne.jp" in text and "587" in text and "STARTTLS" in text
    assert "承り書の「メールアドレス」欄" in text
    assert "%(" not in text


def test_japanese_guides_use_the_japanese_menu_names():
    with translation.override("ja"):
        steps = {g["program"]: " ".join(g["steps"]) for g in guides.render_guides(None)}
    assert "アカウント設定" in steps["outlook_classic"]
    assert "送信 (SMTP) サーバー" in steps["thunderbird"]
    assert "メールアカウント" in steps["iphone"]
    assert "送信設定" in steps["gmail_android"]


def test_an_unknown_port_gets_the_where_to_find_it_steps():
    inputs = op25b.clean_inputs({"ip_type": "dynamic", "sending_via": "okbnet", "port": None})
    verdict = op25b.decide(inputs)
    settings = guides.guide_settings(inputs, verdict)
    assert settings["host"] == "gw.okbnet.ne.jp"  # okbnet senders: the specified setting
    inputs = op25b.clean_inputs({"ip_type": "dynamic", "sending_via": "other_provider", "port": None})
    assert guides.guide_settings(inputs, op25b.decide(inputs)) is None
    rendered = guides.render_guides(None, "thunderbird")
    assert rendered[0]["steps"][-1] == str(guides.FIND_PORT_STEP)


@pytest.mark.django_db
def test_the_check_result_page_draws_the_route_with_a_text_equivalent(client):
    page = client.get(
        "/check/",
        {"ip_type": "dynamic", "sending_via": "other_provider", "port": "25", "provider_submission": "none"},
    ).content.decode()
    assert page.count('role="img"') == 2  # now, and after the change
    assert page.count('class="hop hop-blocked"') == 1
    assert "ここでOP25Bにより遮断" in page
    assert 'aria-labelledby="route-1-text"' in page and 'id="route-1-text"' in page


@pytest.mark.django_db
def test_a_check_that_is_not_affected_draws_no_blocked_hop(client):
    page = client.get("/check/", {"ip_type": "dynamic", "sending_via": "okbnet", "port": "587"}).content.decode()
    assert 'role="img"' in page and "hop-blocked" not in page
