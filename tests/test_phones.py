"""One phone number in any format: the Python key of what a person types and the database's
generated column of what is stored agree, and the API's caller look-up uses them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Member
from accounts.phones import looks_like_phone, phone_key

from .factories import MemberFactory

SAME_NUMBER = ["0859-00-0001", "0859000001", "+81859000001", "+81 859 00 0001", "(0859) 00-0001", "0081859000001"]
FULL_WIDTH = "０８５９－００－０００１"


@pytest.mark.parametrize("text", [*SAME_NUMBER, FULL_WIDTH])
def test_every_way_of_writing_it_is_one_key(text):
    assert phone_key(text) == "0859000001"
    assert looks_like_phone(text)


@pytest.mark.parametrize("text", ["M1000001", "okb1000001", "taro@example.jp", "0859-00", "ヤマダ", "203.0.113.5x"])
def test_other_keys_are_not_phone_numbers(text):
    assert not looks_like_phone(text)


@pytest.mark.django_db
@pytest.mark.parametrize("stored", SAME_NUMBER)
def test_the_database_computes_the_same_key_from_the_stored_number(stored):
    member = MemberFactory(phone=stored, user=None)
    assert Member.objects.values_list("phone_key", flat=True).get(pk=member.pk) == "0859000001"


@pytest.mark.django_db
@given(
    st.lists(st.sampled_from("0123456789"), min_size=9, max_size=11).map("".join),
    st.sampled_from(["{}", "+81{}", "0081{}", "{}-"]),
    st.sampled_from(["", "-", " ", "(", ")", "."]),
)
def test_python_and_sql_agree_on_any_number(digits, form, separator):
    stored = form.format(separator.join([digits[:3], digits[3:6], digits[6:]]))[:20]
    member = MemberFactory(phone=stored, user=None)
    try:
        assert Member.objects.values_list("phone_key", flat=True).get(pk=member.pk) == phone_key(stored)
    finally:
        Member.objects.filter(pk=member.pk).delete()


URL = "/api/v1/members/"


@pytest.mark.django_db
@pytest.mark.parametrize("asked", [*SAME_NUMBER, FULL_WIDTH])
def test_the_api_caller_lookup_finds_the_member_whatever_the_format(api, asked):
    MemberFactory(phone="0859-00-0001", member_number="M1000001", user=None)
    MemberFactory(phone="0859-00-0002", user=None)
    found = api.get(URL, {"phone": asked}).json()["results"]
    assert [m["member_number"] for m in found] == ["M1000001"]


@pytest.mark.django_db
def test_the_api_caller_lookup_matches_only_the_phone(api):
    MemberFactory(phone="0859-00-0001", member_number="M0859000001", user=None)
    assert api.get(URL, {"phone": "M0859000001"}).json()["results"] == []
    assert api.get(URL, {"phone": "abc"}).json()["results"] == []


@pytest.mark.django_db
def test_the_api_search_finds_by_every_key(api, staff_user):
    from accounts import services as plan_changes
    from accounts.models import PlanChangeRequest

    member = MemberFactory(phone="0859-00-0001", email="Taro@Example.jp", connection_username="okbf1000001", user=None)
    Member.objects.filter(pk=member.pk).update(fixed_ip="203.0.113.77")
    request = plan_changes.plan_change_request(member=member, by=staff_user)
    PlanChangeRequest.objects.filter(pk=request.pk).update(old_connection_username="okb1000001")
    MemberFactory(user=None)
    for query in [
        member.member_number,
        "okbf1000001",
        "okb1000001",  # the user name before the fixed-IP change
        "taro@example.jp",
        "+81859000001",
        "0859000001",
        "203.0.113.77",
        member.name,
        member.name_kana,
    ]:
        found = api.get(URL, {"search": query}).json()["results"]
        assert [m["member_number"] for m in found] == [member.member_number], query
