"""Canned replies: chosen in the reply box, filled from the ticket's member, edited before sending."""

import pytest
from django.urls import reverse

from support import canned, services
from support.models import CannedReply

from .factories import MailSetupFactory, MemberFactory

pytestmark = pytest.mark.django_db

BODY_JA = (
    "{member_name} 様\n送信サーバーは {gateway_host}、ユーザー名は {smtp_username} です。\n{verdict_steps}\n"
    "固定IPプランは月額 {fixed_ip_fee} 円です。{unknown_name}"
)


@pytest.fixture
def reply(db):
    return CannedReply.objects.create(
        title="OP25B: ゲートウェイ", body_ja=BODY_JA, body_en="Dear {member_name}, use {gateway_host} on port 587."
    )


@pytest.fixture
def own_domain_ticket(db):
    member = MemberFactory(name="山田 太郎", mail_address="taro@yamada-shoten.jp")
    MailSetupFactory(member=member, provider_submission="none", port=25)
    return services.ticket_open(member=member, category="op25b", subject="送信できない", by=None)


def test_placeholders_are_filled_from_the_tickets_member(reply, own_domain_ticket):
    member = own_domain_ticket.member
    text = canned.canned_reply_text(reply=reply, ticket=own_domain_ticket, language="ja")
    assert "山田 太郎 様" in text
    assert "gw.yamada-shoten.jp" in text  # the member's own domain's gateway
    assert "taro@yamada-shoten.jp" in text
    assert f"{member.plan.fixed_variant.monthly_fee:,} 円" in text
    assert "1. " in text  # the steps of the member's verdict (R11: use the gateway)
    assert "{unknown_name}" in text  # a typo stays visible instead of failing


def test_the_english_text_is_used_in_english(reply, own_domain_ticket):
    assert canned.canned_reply_text(reply=reply, ticket=own_domain_ticket, language="en") == (
        "Dear 山田 太郎, use gw.yamada-shoten.jp on port 587."
    )


def test_a_ticket_without_a_member_leaves_the_member_placeholders_empty(reply):
    ticket = services.ticket_open(member=None, category="other", subject="?", by=None)
    assert canned.canned_reply_text(reply=reply, ticket=ticket, language="en") == "Dear , use  on port 587."


def test_the_reply_box_is_filled_with_the_chosen_reply_and_sent_as_edited(client, staff_user, reply, own_domain_ticket):
    client.force_login(staff_user)
    url = reverse("staff-ticket", args=[own_domain_ticket.number])
    page = client.get(url).content.decode()
    assert f'value="{reply.pk}:ja"' in page and f'value="{reply.pk}:en"' in page
    response = client.get(url, {"canned": f"{reply.pk}:ja"})
    assert "gw.yamada-shoten.jp" in response.context["draft"]
    assert "gw.yamada-shoten.jp" in response.content.decode()
    edited = response.context["draft"].replace("{unknown_name}", "よろしくお願いします。")
    client.post(reverse("staff-ticket-action", args=[own_domain_ticket.number]), {"action": "reply", "body": edited})
    sent = own_domain_ticket.events.get(kind="public_reply")
    assert sent.body == edited.strip() and sent.actor_user == staff_user


def test_inactive_or_unknown_replies_fill_nothing(client, staff_user, reply, own_domain_ticket):
    CannedReply.objects.filter(pk=reply.pk).update(is_active=False)
    client.force_login(staff_user)
    url = reverse("staff-ticket", args=[own_domain_ticket.number])
    for choice in (f"{reply.pk}:ja", "999:ja", "x", "1:xx:yy"):
        assert client.get(url, {"canned": choice}).context["draft"] == ""


def test_replies_of_the_tickets_category_come_first(reply, own_domain_ticket):
    general = CannedReply.objects.create(title="あいさつ", body_ja="a", body_en="a")
    billing = CannedReply.objects.create(title="料金", body_ja="b", body_en="b", category="plan_change")
    op25b = CannedReply.objects.create(title="ポート", body_ja="c", body_en="c", category="op25b", sort_order=9)
    offered = canned.canned_replies_for(own_domain_ticket)
    assert offered.index(op25b) < offered.index(general) < offered.index(billing) and reply in offered


def test_an_okbnet_address_gets_the_okbnet_gateway(reply):
    member = MemberFactory(mail_address="hanako@okbnet.ne.jp")
    ticket = services.ticket_open(member=member, category="op25b", subject="?", by=None)
    assert canned.placeholder_values(ticket)["gateway_host"] == "gw.okbnet.ne.jp"
