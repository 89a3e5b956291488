"""/staff/members/ (search), the member screen, /staff/calls/ (caller look-up), /staff/tickets/new/,
/staff/abuse/ and the staff menu: the trio, CSRF on every form, constant queries."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Member, PlanChangeRequest
from mailsettings.models import OwnDomain
from support import services
from support.models import Ticket

from .factories import MailSetupFactory, MemberFactory, PlanFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taro(db):
    return MemberFactory(
        name="山田 太郎",
        name_kana="ヤマダ タロウ",
        phone="0859-00-0001",
        member_number="M1000001",
        mail_address="taro@okbnet.ne.jp",
    )


STAFF_PAGES = [
    "/staff/members/?q=M1000001",
    "/staff/members/M1000001/",
    "/staff/calls/?number=0859000001",
    "/staff/tickets/new/",
    "/staff/abuse/",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_only_staff_open_the_call_center_pages(client, taro, staff_user, charlie, path):
    assert client.get(path).status_code == 302  # anonymous: to the log-in page
    for member in (taro, charlie):  # the member themself and another member alike
        client.force_login(member.user)
        response = client.get(path)
        assert response.status_code == 403
        assert "<html" in response.content.decode()  # the portal's page, not a bare "403 Forbidden"
    client.force_login(staff_user)
    assert client.get(path, follow=True).status_code == 200


def test_members_cannot_request_a_plan_change_for_someone_from_the_staff_screen(client, taro, charlie):
    client.force_login(charlie.user)
    assert client.post(reverse("staff-member-plan-change", args=[taro.member_number])).status_code == 403
    assert not PlanChangeRequest.objects.exists()


@pytest.mark.parametrize("query", ["0859-00-0001", "0859000001", "+81859000001", "M1000001", "taro@example.jp"])
def test_an_exact_key_lands_on_the_member_screen(client, staff_user, taro, query):
    Member.objects.filter(pk=taro.pk).update(email="taro@example.jp")
    MemberFactory(name="山田 花子", name_kana="ヤマダ ハナコ")
    client.force_login(staff_user)
    response = client.get("/staff/members/", {"q": query})
    assert response.status_code == 302 and response["Location"] == "/staff/members/M1000001/"


def test_part_of_a_name_lists_the_members_to_choose_from(client, staff_user, taro):
    MemberFactory(name="山田 花子", name_kana="ヤマダ ハナコ")
    MemberFactory(name="佐藤 一郎", name_kana="サトウ イチロウ")
    client.force_login(staff_user)
    body = client.get("/staff/members/", {"q": "ヤマダ"}).content.decode()
    assert "山田 太郎" in body and "山田 花子" in body and "佐藤" not in body
    assert client.get("/staff/members/", {"q": "nobody-here"}).context["members"] == []


def test_the_member_screen_shows_what_an_agent_needs(client, staff_user, taro):
    Member.objects.filter(pk=taro.pk).update(mail_address="taro@example-own.jp")
    OwnDomain.objects.create(domain="example-own.jp", member=taro)  # OKBNET hosts it (the registry)
    MailSetupFactory(member=taro, label="自宅のPC", mail_program="thunderbird")
    ticket = services.ticket_open(member=taro, category="op25b", subject="送信できない", by=staff_user)
    client.force_login(staff_user)
    response = client.get("/staff/members/M1000001/")
    body = response.content.decode()
    assert response.status_code == 200
    for section in (
        "member-contract",
        "member-enforcement",
        "member-radius",
        "member-setups",
        "member-dns",
        "member-tickets",
        "member-requests",
    ):
        assert f'id="{section}"' in body, section
    assert taro.plan.name in body and f"月額 {taro.plan.monthly_fee:,}円" in body
    assert "自宅のPC" in body and 'data-verdict="affected_use_okbnet_gateway"' in body
    assert "Thunderbird" in body
    assert "example-own.jp" in body and response.context["dns_facts"][0]["state"] == "never_checked"
    assert ticket.number in body
    assert reverse("staff-member-plan-change", args=["M1000001"]) in body
    assert reverse("abuse:member", args=["M1000001"]) in body


@pytest.mark.parametrize("count", [10, 1000])
def test_the_member_screen_runs_a_constant_number_of_queries(client, staff_user, django_assert_num_queries, count):
    member = MemberFactory(member_number="M1000001", mail_address="taro@okbnet.ne.jp")
    MemberFactory.create_batch(3)
    Ticket.objects.bulk_create(TicketFactory.build_batch(count, member=member))
    MailSetupFactory.create_batch(3, member=member)
    client.force_login(staff_user)
    with django_assert_num_queries(NUM_SCREEN_QUERIES):
        response = client.get("/staff/members/M1000001/")
    assert response.status_code == 200
    assert len(response.context["ticket_rows"]) == min(20, count)


# session, user, member, setups, plan requests, enforcement, tickets (20), ticket count, the open
# request of plan_change, the permission look-ups (user, group) of the menu, the header's user.member;
# RADIUS: old user names, pending outbox, last Disconnect, radcheck, radusergroup, radreply
NUM_SCREEN_QUERIES = 18


@pytest.mark.parametrize("count", [10, 1000])
def test_the_member_search_runs_a_constant_number_of_queries(client, staff_user, django_assert_num_queries, count):
    plan = PlanFactory()
    Member.objects.bulk_create(
        Member(
            member_number=f"M3{n:06d}",
            name=f"山田 {n}",
            name_kana=f"ヤマダ {n}",
            phone=f"0859-20-{n:04d}",
            email=f"m{n}@example.jp",
            connection_username=f"okb3{n:06d}",
            plan=plan,
        )
        for n in range(count)
    )
    client.force_login(staff_user)
    # session, user, the page (no COUNT), the menu's permission look-ups (2), the header's user.member
    with django_assert_num_queries(6):
        response = client.get("/staff/members/", {"q": "ヤマダ", "page": 2 if count > 25 else 1})
    assert response.status_code == 200
    assert len(response.context["members"]) == (25 if count > 25 else count)
    assert response.context["has_next"] is (count > 50)
    with django_assert_num_queries(3):  # session, user, and one query finds the key: a redirect
        assert client.get("/staff/members/", {"q": "0859-20-0005"}).status_code == 302


def test_a_call_from_a_known_number_opens_the_member_screen(client, staff_user, taro):
    client.force_login(staff_user)
    response = client.get("/staff/calls/", {"number": "+81859000001"})
    assert response.status_code == 302 and response["Location"] == "/staff/members/M1000001/"


def test_a_number_shared_by_several_members_lists_them(client, staff_user, taro):
    MemberFactory(name="山田 花子", phone="0859000001")
    client.force_login(staff_user)
    response = client.get("/staff/calls/", {"number": "0859-00-0001"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "山田 太郎" in body and "山田 花子" in body


def test_an_unknown_number_opens_a_new_ticket_with_the_number_filled_in(client, staff_user, taro):
    client.force_login(staff_user)
    response = client.get("/staff/calls/", {"number": "03-1234-5678"}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/tickets/new/?phone=03-1234-5678"
    assert response.context["form"]["phone"].value() == "03-1234-5678"
    response = client.post(
        "/staff/tickets/new/",
        {
            "phone": "03-1234-5678",
            "category": "other",
            "priority": "2",
            "subject": "名乗らない方から",
            "description": "料金の問い合わせ",
        },
    )
    ticket = Ticket.objects.get(subject="名乗らない方から")
    assert response["Location"] == f"/staff/tickets/{ticket.number}/"
    assert ticket.member is None and "03-1234-5678" in ticket.description
    assert ticket.created_by == staff_user.username


def test_a_new_ticket_for_a_member_is_linked_and_checked(client, staff_user, taro):
    client.force_login(staff_user)
    data = {"member_number": "M9999999", "category": "op25b", "priority": "2", "subject": "s", "description": "d"}
    assert client.post("/staff/tickets/new/", data).status_code == 400
    data["member_number"] = "M1000001"
    client.post("/staff/tickets/new/", data)
    assert Ticket.objects.get(subject="s").member == taro


def test_staff_request_the_fixed_ip_plan_for_the_caller(client, staff_user, taro):
    client.force_login(staff_user)
    response = client.post(reverse("staff-member-plan-change", args=["M1000001"]), follow=True)
    request = PlanChangeRequest.objects.get(member=taro)
    assert request.requested_by == staff_user.username
    assert request.ticket.number in response.content.decode()
    response = client.post(reverse("staff-member-plan-change", args=["M1000001"]), follow=True)
    assert PlanChangeRequest.objects.filter(member=taro).count() == 1  # a second one is refused, with a message
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_ticket_page_shows_the_same_member_summary(client, staff_user, taro):
    MailSetupFactory(member=taro, label="自宅のPC")
    ticket = services.ticket_open(member=taro, category="op25b", subject="送信できない", by=None)
    client.force_login(staff_user)
    body = client.get(reverse("staff-ticket", args=[ticket.number])).content.decode()
    assert 'id="member-contract"' in body and 'id="member-setups"' in body and 'id="member-requests"' in body
    assert "自宅のPC" in body and 'data-verdict="affected_use_okbnet_gateway"' in body
    assert 'href="/staff/members/M1000001/"' in body


def test_ticket_search_finds_the_member_by_phone_in_any_format(client, staff_user, taro):
    ticket = services.ticket_open(member=taro, category="op25b", subject="送信できない", by=None)
    services.ticket_open(member=MemberFactory(), category="op25b", subject="ほか", by=None)
    client.force_login(staff_user)
    for query in ("0859000001", "+81859000001", "0859-00-0001"):
        page = client.get("/staff/tickets/", {"q": query}).context["page"]
        assert [t.number for t in page] == [ticket.number], query


def test_the_abuse_desk_has_a_landing_page(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/staff/abuse/")
    assert response.status_code == 200
    assert reverse("abuse:report-new") in response.content.decode()


def _links(body: str) -> list[str]:
    import re

    return sorted(set(re.findall(r'href="(/(?:staff|admin)/[^"#?]*)', body)))


@pytest.mark.parametrize("superuser", [False, True])
def test_every_staff_link_works_for_every_staff_role_or_is_hidden(client, taro, superuser):
    from .factories import StaffFactory

    user = StaffFactory(is_superuser=superuser)
    ticket = services.ticket_open(member=taro, category="spam_report", subject="迷惑メール", by=None)
    client.force_login(user)
    pages = ["/staff/", "/staff/abuse/", "/staff/members/M1000001/", f"/staff/tickets/{ticket.number}/"]
    seen = set()
    for page in pages:
        for link in _links(client.get(page).content.decode()):
            if link in seen:
                continue
            seen.add(link)
            assert client.get(link).status_code == 200, link
    assert ("/admin/" in seen) is superuser  # a plain agent has nothing to do in the admin: no link


def test_an_agent_allowed_to_edit_canned_replies_gets_that_link(client):
    from .factories import StaffFactory

    user = StaffFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_cannedreply"))
    client.force_login(user)
    body = client.get("/staff/").content.decode()
    assert reverse("admin:support_cannedreply_changelist") in body
    assert client.get(reverse("admin:support_cannedreply_changelist")).status_code == 200


@pytest.mark.parametrize(
    "path, data",
    [
        ("/staff/tickets/new/", {"category": "other", "priority": "2", "subject": "s", "description": "d"}),
        ("/staff/members/M1000001/plan-change/", {}),
    ],
)
def test_the_staff_forms_need_the_csrf_token(staff_user, taro, path, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post(path, data).status_code == 403
    assert not Ticket.objects.exists() and not PlanChangeRequest.objects.exists()
