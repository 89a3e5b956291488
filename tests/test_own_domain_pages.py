"""The own domain's facts and the records to publish on /mypage/, the staff ticket page and the dashboard."""

import pytest

from mailsettings import services
from mailsettings.models import DnsCheck

from .factories import MemberFactory, TicketFactory

SNIPPET_LINE = "_submission._tcp\tIN\tSRV\t0 1 587 gw.good.own.test."


@pytest.fixture(autouse=True)
def _hosted(db):
    """The own domains of these members are in OKBNET's registry (only those get gw.<domain>)."""
    from .factories import OwnDomainFactory

    for domain in ("good.own.test", "bare.own.test", "broken.own.test", "half.own.test"):
        OwnDomainFactory(domain=domain)


@pytest.fixture
def checked(okbnet_test_names):
    check = services.dns_check_request(domain="good.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    return check


@pytest.mark.django_db
def test_a_member_sees_their_domains_facts_and_the_records_to_copy(client, checked):
    member = MemberFactory(mail_address="taro@good.own.test")
    client.force_login(member.user)
    page = client.get("/mypage/").content.decode()
    assert 'data-zone="good.own.test"' in page and SNIPPET_LINE in page
    assert 'data-copy-target="zone-goodowntest"' in page and "js/copy.js" in page
    assert 'data-fact="dkim"' in page and 'data-fact="dmarc"' in page


@pytest.mark.django_db
def test_a_member_without_an_own_domain_sees_no_snippet(client, okbnet_test_names):
    member = MemberFactory(mail_address="hanako@okbnet.test")
    client.force_login(member.user)
    assert "data-zone=" not in client.get("/mypage/").content.decode()


@pytest.mark.django_db
def test_another_members_domain_is_not_shown(client, checked):
    MemberFactory(mail_address="taro@good.own.test")
    outsider = MemberFactory(mail_address="jiro@bare.own.test")
    client.force_login(outsider.user)
    page = client.get("/mypage/").content.decode()
    assert "good.own.test" not in page and 'data-zone="bare.own.test"' in page


@pytest.mark.django_db
def test_staff_see_the_members_domain_on_the_ticket_page(client, checked, staff_user):
    ticket = TicketFactory(member=MemberFactory(mail_address="taro@good.own.test"))
    client.force_login(staff_user)
    page = client.get(f"/staff/tickets/{ticket.number}/").content.decode()
    assert SNIPPET_LINE in page and 'data-fact="spf"' in page


@pytest.mark.django_db
def test_the_dashboard_shows_okbnets_own_records_and_when_they_were_checked(client, okbnet_test_names, staff_user):
    check = services.dns_check_request(domain="okbnet.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    client.force_login(staff_user)
    page = client.get("/staff/").content.decode()
    assert 'data-zone="okbnet.test"' in page
    assert "_submission._tcp\tIN\tSRV\t0 1 587 gw.okbnet.test." in page
    assert 'data-state="checked"' in page and 'data-fact="autoconfig"' in page


@pytest.mark.django_db
def test_a_domain_never_checked_is_queued_when_its_page_is_shown(
    client, okbnet_test_names, django_capture_on_commit_callbacks
):
    member = MemberFactory(mail_address="taro@good.own.test")
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.get("/mypage/").content.decode()
    assert len(callbacks) == 1 and 'data-state="pending"' in page and "data-poll=" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.get("/mypage/")
    assert callbacks == []  # the queued check is reused


@pytest.mark.django_db
def test_beat_keeps_okbnets_own_domain_checked(okbnet_test_names, django_capture_on_commit_callbacks):
    from mailsettings.tasks import check_okbnet_domain

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        check_okbnet_domain()
    assert len(callbacks) == 1
    assert DnsCheck.objects.filter(domain="okbnet.test", kind=DnsCheck.Kind.OWN_DOMAIN).count() == 1


@pytest.mark.django_db
def test_a_broken_record_is_explained_in_japanese_with_the_offending_term(okbnet_test_names):
    from django.utils import translation

    from mailsettings import selectors

    check = services.dns_check_request(domain="broken.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    with translation.override("ja"):
        facts = {
            f["key"]: f for f in selectors.dns_facts(domain="broken.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)["facts"]
        }
    assert facts["spf"]["ok"] is False
    assert "IPアドレスの書き方が正しくありません" in facts["spf"]["detail"]
    assert "問題の箇所: ip4:203.0.113.25/032" in facts["spf"]["detail"]
    assert "include:_spf.okbnet.test" in facts["spf"]["advice"]
    assert "承認されていない宛先: agg@noauth.test" in facts["dmarc"]["detail"]
    assert "broken.own.test._report._dmarc.noauth.test" in facts["dmarc"]["advice"]
