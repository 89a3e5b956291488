"""GET /api/v1/members/?search= and /api/v1/members/<member_number>/."""

import pytest

from .factories import MailSetupFactory, MemberFactory, OwnDomainFactory, PlanFactory

URL = "/api/v1/members/"


def warm_key_cache(api):
    """A verified key is trusted for a few seconds (okbnet_portal.api.authentication): count the view's queries."""
    assert api.get("/api/v1/plans/").status_code == 200


pytestmark = pytest.mark.django_db


@pytest.fixture
def taro(db):
    return MemberFactory(
        member_number="M1000001",
        name="山田 太郎",
        name_kana="ヤマダ タロウ",
        connection_username="okb1000001",
        email="Taro.Yamada@Example.jp",
        phone="0859-00-0001",
    )


@pytest.fixture
def hanako(db):
    return MemberFactory(member_number="M1000002", name="佐藤 花子", name_kana="サトウ ハナコ")


def numbers(response):
    assert response.status_code == 200, response.content
    return [m["member_number"] for m in response.json()["results"]]


@pytest.mark.parametrize(
    "query", ["M1000001", "okb1000001", "Taro.Yamada@Example.jp", "taro.yamada@example.jp", "0859-00-0001"]
)
def test_it_finds_a_member_by_an_exact_key(api, taro, hanako, query):
    assert numbers(api.get(URL, {"search": query})) == ["M1000001"]


@pytest.mark.parametrize("query", ["田 太郎", "山田 太", "ダ タロ", "やまだ"[:0] + "ヤマダ"])
def test_it_finds_a_member_by_part_of_the_name_or_kana(api, taro, hanako, query):
    assert numbers(api.get(URL, {"search": query})) == ["M1000001"]


def test_a_short_query_matches_the_beginning_of_the_name(api, taro, hanako):
    assert numbers(api.get(URL, {"search": "佐藤"})) == ["M1000002"]
    assert numbers(api.get(URL, {"search": "花子"})) == []


def test_ascii_names_match_in_any_case(api):
    MemberFactory(member_number="M1000003", name="John Smith", name_kana="ジョン スミス")
    assert numbers(api.get(URL, {"search": "smith"})) == ["M1000003"]


def test_a_part_of_an_exact_key_finds_nothing(api, taro):
    assert numbers(api.get(URL, {"search": "M100000"})) == []
    assert numbers(api.get(URL, {"search": "0859-00"})) == []


def test_without_a_search_it_lists_every_member_by_number(api, taro, hanako):
    body = api.get(URL).json()
    assert body["count"] == 2
    assert [m["member_number"] for m in body["results"]] == ["M1000001", "M1000002"]
    assert set(body) == {"count", "next", "previous", "results"}


def test_a_member_has_the_fields_of_the_contract(api, taro):
    member = api.get(URL, {"search": "M1000001"}).json()["results"][0]
    assert member == {
        "member_number": "M1000001",
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "connection_username": "okb1000001",
        "email": "Taro.Yamada@Example.jp",
        "phone": "0859-00-0001",
        "status": "active",
        "plan": {
            "code": taro.plan.code,
            "name": taro.plan.name,
            "ip_type": "dynamic",
            "monthly_fee": taro.plan.monthly_fee,
        },
        "fixed_ip": None,
    }


def test_the_plan_name_follows_the_language(api, taro):
    member = api.get(URL, {"search": "M1000001"}, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert member["plan"]["name"] == taro.plan.name_en


def test_it_filters_by_status_and_plan(api, taro, hanako):
    hanako.status = "suspended"
    hanako.save()
    assert numbers(api.get(URL, {"status": "suspended"})) == ["M1000002"]
    assert numbers(api.get(URL, {"plan": taro.plan.code})) == ["M1000001"]


def test_an_unknown_status_is_a_400_with_a_field_error(api, taro):
    response = api.get(URL, {"status": "gone"})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_it_pages_with_page_size(api):
    MemberFactory.create_batch(3)
    body = api.get(URL, {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"] and body["previous"] is None
    assert api.get(URL, {"page": 9}).status_code == 404


def test_the_list_runs_the_same_queries_for_1_and_100_rows(api, django_assert_num_queries):
    warm_key_cache(api)
    plan = PlanFactory()
    MemberFactory(plan=plan, name="一人 目", user=None)
    # page 1 with one row more (the count is known when everything fits)
    with django_assert_num_queries(1):
        assert len(api.get(URL, {"page_size": 100}).json()["results"]) == 1
    MemberFactory.create_batch(99, plan=plan, user=None)
    with django_assert_num_queries(1):
        assert len(api.get(URL, {"page_size": 100}).json()["results"]) == 100


def test_a_longer_list_adds_one_count_query_whatever_its_length(api, django_assert_num_queries):
    warm_key_cache(api)
    MemberFactory.create_batch(12, plan=PlanFactory(), user=None)
    with django_assert_num_queries(2):  # page 1 + one row, count
        body = api.get(URL, {"page_size": 5}).json()
    assert (body["count"], len(body["results"]), body["previous"]) == (12, 5, None)
    with django_assert_num_queries(2):  # count, page 3
        body = api.get(URL, {"page_size": 5, "page": 3}).json()
    assert (body["count"], len(body["results"]), body["next"]) == (12, 2, None)


def test_a_name_search_runs_the_same_queries_for_1_and_100_rows(api, django_assert_num_queries):
    warm_key_cache(api)
    plan = PlanFactory()
    MemberFactory(plan=plan, name="鈴木 一郎", user=None)
    # page 1 (a name in kanji skips the exact-key probe)
    with django_assert_num_queries(1):
        assert len(api.get(URL, {"search": "鈴木 一", "page_size": 100}).json()["results"]) == 1
    MemberFactory.create_batch(99, plan=plan, name="鈴木 一郎", user=None)
    with django_assert_num_queries(1):
        assert len(api.get(URL, {"search": "鈴木 一", "page_size": 100}).json()["results"]) == 100


def test_an_exact_search_runs_one_query(api, django_assert_num_queries):
    warm_key_cache(api)
    plan = PlanFactory()
    MemberFactory(plan=plan, phone="0859-99-9999", user=None)
    with django_assert_num_queries(1):
        assert len(api.get(URL, {"search": "0859-99-9999"}).json()["results"]) == 1
    MemberFactory.create_batch(99, plan=plan, phone="0859-99-9999", user=None)
    with django_assert_num_queries(1):
        assert len(api.get(URL, {"search": "0859-99-9999", "page_size": 100}).json()["results"]) == 100


@pytest.mark.parametrize("search", ["x" * 101, "a\x00b"])
def test_an_overlong_or_nul_search_is_a_400(api, search):
    response = api.get(URL, {"search": search})
    assert response.status_code == 400
    assert list(response.json()) == ["search"]


# --- detail ---


def test_the_detail_has_the_member_and_the_mail_address(api, taro):
    response = api.get(f"{URL}M1000001/")
    assert response.status_code == 200
    body = response.json()
    assert body["connection_username"] == "okb1000001"
    assert body["mail_address"] == taro.mail_address
    assert body["plan"]["code"] == taro.plan.code


def test_the_detail_shows_the_fixed_ip(api):
    member = MemberFactory(fixed_ip="192.0.2.10")
    assert api.get(f"{URL}{member.member_number}/").json()["fixed_ip"] == "192.0.2.10"


@pytest.mark.parametrize("number", ["M9999999", "a/b", "%00", "ゼロ"])
def test_an_unknown_member_is_a_json_404(api, taro, number):
    response = api.get(f"{URL}{number}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_unknown_api_path_is_a_json_404_but_pages_stay_html(api, client):
    response = api.get("/api/v1/nothing-here/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert "html" in client.get("/nothing-here/")["Content-Type"]


def test_the_detail_lists_open_tickets_and_plan_change_requests(api, taro):
    from accounts import services as plan_services
    from support import services as tickets

    open_one = tickets.ticket_open(member=taro, category="op25b", subject="Port 25", by=None)
    closed = tickets.ticket_open(member=taro, category="other", subject="Done", by=None)
    tickets.ticket_change_status(ticket=closed, status="closed", by=None)
    request = plan_services.plan_change_request(member=taro, by=None)
    body = api.get(f"{URL}M1000001/").json()
    assert [t["number"] for t in body["open_tickets"]] == [request.ticket.number, open_one.number]
    assert [(r["id"], r["status"]) for r in body["plan_change_requests"]] == [(request.pk, "submitted")]


def test_the_detail_runs_a_fixed_number_of_queries(api, django_assert_num_queries):
    warm_key_cache(api)
    from accounts import services as plan_services
    from support import services as tickets

    member = MemberFactory(user=None)
    for _ in range(10):
        tickets.ticket_open(member=member, category="op25b", subject="Port 25", by=None)
    request = plan_services.plan_change_request(member=member, by=None)
    plan_services.plan_change_cancel(request=request, by=None)
    plan_services.plan_change_request(member=member, by=None)
    MailSetupFactory.create_batch(5, member=member)
    with django_assert_num_queries(4):  # member, mail setups (with plan), open tickets, requests
        body = api.get(f"{URL}{member.member_number}/").json()
    assert (len(body["mail_setups"]), len(body["open_tickets"]), len(body["plan_change_requests"])) == (5, 11, 2)


def test_the_detail_has_the_dns_facts_of_an_own_domain_only(api):
    own = MemberFactory(mail_address="taro@yamada-shoten.jp", user=None)
    OwnDomainFactory(domain="yamada-shoten.jp", member=own)
    plain = MemberFactory(mail_address="hanako@okbnet.ne.jp", user=None)
    (facts,) = api.get(f"{URL}{own.member_number}/").json()["dns_facts"]
    assert (facts["domain"], facts["kind"], facts["state"]) == ("yamada-shoten.jp", "own_domain", "never_checked")
    assert api.get(f"{URL}{plain.member_number}/").json()["dns_facts"] == []


def test_the_detail_has_the_saved_mail_setups_with_their_verdicts(api, taro):
    setup = MailSetupFactory(
        member=taro, label="自宅PC", sending_via="other_provider", port=25, provider_submission="none"
    )
    (saved,) = api.get(f"{URL}M1000001/").json()["mail_setups"]
    assert (saved["id"], saved["label"], saved["port"]) == (setup.pk, "自宅PC", 25)
    assert (saved["verdict"]["rule"], saved["verdict"]["verdict"]) == ("R11", "affected_use_okbnet_gateway")
    taro.plan = taro.plan.fixed_variant  # the verdict follows the plan, computed on read
    taro.save()
    assert api.get(f"{URL}M1000001/").json()["mail_setups"][0]["verdict"]["rule"] == "R1"
