"""Saved mail setups: created and changed through the member's pages, verdict computed on read."""

import pytest
from django.urls import reverse

from mailsettings.models import MailSetup

from .factories import FixedPlanFactory, MailSetupFactory

pytestmark = pytest.mark.django_db

AFFECTED = {
    "label": "自宅のPC",
    "mail_program": "thunderbird",
    "sending_via": "other_provider",
    "port": "25",
    "provider_submission": "none",
    "provider_host": "smtp.example.jp",
}


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice.user)
    return client


def test_it_saves_a_setup_with_ip_type_from_the_plan_and_shows_its_verdict(logged_in, alice):
    response = logged_in.post(reverse("mail-setup-new"), {**AFFECTED, "ip_type": "fixed"})
    setup = MailSetup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mail-setup", args=[setup.id])
    assert (setup.member, setup.port, setup.provider_submission) == (alice, 25, "none")
    page = logged_in.get(response["Location"]).content.decode()
    assert 'data-verdict="affected_use_okbnet_gateway"' in page  # the plan is dynamic: "fixed" was ignored
    assert "gw.okbnet.ne.jp" in page


def test_a_move_to_a_fixed_ip_plan_shows_exempt_without_saving_again(logged_in, alice):
    setup = MailSetupFactory(member=alice)
    url = reverse("mail-setup", args=[setup.id])
    assert 'data-rule="R11"' in logged_in.get(url).content.decode()
    alice.plan = FixedPlanFactory()
    alice.save()
    page = logged_in.get(url).content.decode()
    assert 'data-verdict="exempt_fixed_ip"' in page
    assert 'data-rule="R1"' in logged_in.get(reverse("mypage")).content.decode()


def test_editing_a_field_changes_the_verdict(logged_in, alice):
    setup = MailSetupFactory(member=alice)
    response = logged_in.post(reverse("mail-setup-edit", args=[setup.id]), {**AFFECTED, "port": "587"})
    assert response.status_code == 302
    setup.refresh_from_db()
    assert setup.port == 587
    assert 'data-rule="R7"' in logged_in.get(reverse("mail-setup", args=[setup.id])).content.decode()


def test_the_edit_form_starts_from_the_saved_values(logged_in, alice):
    setup = MailSetupFactory(member=alice, label="書斎のMac", port=None)
    response = logged_in.get(reverse("mail-setup-edit", args=[setup.id]))
    assert 'value="書斎のMac"' in response.content.decode()
    assert response.context["form"]["port"].value() == "unknown"


def test_a_sender_without_a_port_is_refused_with_a_field_error(logged_in):
    response = logged_in.post(reverse("mail-setup-new"), {**AFFECTED, "port": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["port"]
    assert not MailSetup.objects.exists()


def test_a_malformed_provider_host_is_refused(logged_in):
    response = logged_in.post(reverse("mail-setup-new"), {**AFFECTED, "provider_host": "not a host"})
    assert response.status_code == 400
    assert "provider_host" in response.context["form"].errors


def test_provider_fields_are_dropped_for_an_okbnet_sender(logged_in):
    logged_in.post(reverse("mail-setup-new"), {**AFFECTED, "sending_via": "okbnet", "port": "587"})
    setup = MailSetup.objects.get()
    assert (setup.provider_host, setup.provider_submission) == ("", "unknown")


def test_deleting_needs_a_post_and_removes_the_setup(logged_in, alice):
    setup = MailSetupFactory(member=alice)
    url = reverse("mail-setup-delete", args=[setup.id])
    assert logged_in.get(url).status_code == 405
    assert logged_in.post(url).status_code == 302
    assert not MailSetup.objects.exists()


def test_my_page_lists_every_setup_with_its_verdict_in_constant_queries(logged_in, alice, django_assert_num_queries):
    MailSetupFactory.create_batch(2, member=alice)
    # session, user, member + plan, setups, plan-change requests, tickets, nav (user.member)
    with django_assert_num_queries(7):
        first = logged_in.get(reverse("mypage"))
    MailSetupFactory.create_batch(5, member=alice, sending_via="okbnet", port=587)
    with django_assert_num_queries(7):
        second = logged_in.get(reverse("mypage"))
    assert first.content.decode().count('data-setup="') == 2
    page = second.content.decode()
    assert page.count('data-setup="') == 7
    assert page.count('data-rule="R5"') == 5


def test_my_page_shows_plan_fee_and_address(logged_in, alice):
    page = logged_in.get(reverse("mypage"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert alice.plan.name in page
    assert "5,280円（税込）" in page
    assert 'data-ip-type="dynamic"' in page
    assert alice.mail_address in page


def test_showing_a_saved_setup_is_not_counted_in_the_verdict_statistics_but_a_check_is(logged_in, alice):
    from django.core.cache import cache

    from mailsettings import stats

    cache.clear()
    code = "affected_use_okbnet_gateway"
    setup = MailSetupFactory(member=alice, sending_via="other_provider", port=25, provider_submission="none")
    assert (
        'data-verdict="affected_use_okbnet_gateway"'
        in logged_in.get(reverse("mail-setup", args=[setup.id])).content.decode()
    )
    assert stats.verdict_counts(days=1, verdicts=[code]) == {code: 0}
    check = {"ip_type": "dynamic", "sending_via": "other_provider", "port": "25", "provider_submission": "none"}
    assert logged_in.get(reverse("check"), check).status_code == 200
    assert stats.verdict_counts(days=1, verdicts=[code]) == {code: 1}
