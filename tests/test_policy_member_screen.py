"""The staff member screen shows the member's sending through the gateway: this hour and today vs the quota."""

import pytest
from django.utils import timezone

from network import policy
from network.policy import RedisCounters, Sender
from tests.factories import MemberFactory, PlanFactory
from tests.policy_harness import run_async

pytestmark = pytest.mark.django_db


def send(member, n, url):
    sender = Sender(member.pk, member.mail_address, frozenset({member.mail_address}), frozenset(), 2, 5)
    hour, day = policy.windows(timezone.now())

    async def run():
        counters = RedisCounters(url)
        try:
            for _ in range(n):
                await counters.count(sender, hour, day)
        finally:
            await counters.close()

    run_async(run())


def test_the_screen_shows_this_hours_and_todays_recipients_against_the_quota(client, staff_user, policy_redis):
    member = MemberFactory(plan=PlanFactory(send_quota_per_hour=2, send_quota_per_day=5))
    client.force_login(staff_user)
    url = f"/staff/members/{member.member_number}/"
    html = client.get(url).content.decode()
    assert 'data-role="sending-hour">宛先 0 件（上限 2 件）' in html
    assert 'data-role="sending-over"' not in html
    send(member, 3, policy_redis)  # the third is refused
    html = client.get(url).content.decode()
    assert 'data-role="sending-hour">宛先 2 件（上限 2 件）' in html
    assert 'data-role="sending-day">宛先 2 件（上限 5 件）' in html
    assert 'data-role="sending-over"' in html


def test_the_screen_says_when_the_counts_cannot_be_read(client, staff_user, settings):
    settings.OKBNET_POLICY_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    member = MemberFactory()
    client.force_login(staff_user)
    html = client.get(f"/staff/members/{member.member_number}/").content.decode()
    assert "送信数をいま読み取れません。" in html
