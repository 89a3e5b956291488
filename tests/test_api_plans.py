"""GET /api/v1/plans/."""

import pytest

from .factories import PlanFactory

URL = "/api/v1/plans/"


def warm_key_cache(api):
    """A verified key is trusted for a few seconds (okbnet_portal.api.authentication): count the view's queries."""
    assert api.get("/api/v1/plans/").status_code == 200


pytestmark = pytest.mark.django_db


def test_it_lists_plans_with_ip_type_fee_and_fixed_variant(api):
    plan = PlanFactory(code="fibre-home", name="光ホーム", name_en="Fibre Home", monthly_fee=5280)
    body = api.get(URL).json()
    assert body["count"] == 2
    by_code = {p["code"]: p for p in body["results"]}
    assert by_code["fibre-home"] == {
        "code": "fibre-home",
        "name": "光ホーム",
        "name_ja": "光ホーム",
        "name_en": "Fibre Home",
        "line_type": plan.line_type,
        "ip_type": "dynamic",
        "monthly_fee": 5280,
        "fixed_variant": "fibre-home-fixed",
    }
    assert by_code["fibre-home-fixed"]["ip_type"] == "fixed"
    assert by_code["fibre-home-fixed"]["fixed_variant"] is None


def test_the_name_follows_the_language(api):
    PlanFactory(code="fibre-home", name="光ホーム", name_en="Fibre Home")
    body = api.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "Fibre Home" in [p["name"] for p in body["results"]]


def test_it_runs_the_same_queries_for_1_and_100_plans(api, django_assert_num_queries):
    warm_key_cache(api)
    PlanFactory.create_batch(1, fixed_variant=None)
    with django_assert_num_queries(1):  # page 1 (plans with their fixed variants)
        assert len(api.get(URL, {"page_size": 100}).json()["results"]) == 1
    PlanFactory.create_batch(49)  # 49 dynamic + 49 fixed variants
    with django_assert_num_queries(1):  # page 1 (plans with their fixed variants)
        assert len(api.get(URL, {"page_size": 100}).json()["results"]) == 99
