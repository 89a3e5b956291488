"""accounts.selectors: every branch of the member search can use an index on PostgreSQL."""

import pytest
from django.db import connection

from accounts import selectors

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes exist on PostgreSQL")


def _plan(condition) -> str:
    sql, params = selectors.member_rows().filter(condition).query.sql_with_params()
    with connection.cursor() as cursor:
        # The test tables are tiny: forbid the sequential scan and the ordered index walk to see whether
        # indexes can serve every branch of the OR (a bitmap OR of index scans).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@needs_postgres
@pytest.mark.parametrize(
    "query, indexes",
    [
        ("M1000001", ["member_member_number", "member_connection_username", "member_email_upper_idx"]),
        ("0859000001", ["member_member_number", "member_phone_key_idx"]),
        ("203.0.113.5", ["member_connection_username", "member_fixed_ip"]),
    ],
)
def test_an_exact_search_uses_only_indexes(query, indexes):
    MemberFactory.create_batch(3, user=None)
    plan = _plan(selectors.member_exact_filter(query))
    assert "Seq Scan on accounts_member" not in plan
    for index in indexes:
        assert index in plan, plan


@needs_postgres
def test_the_old_user_name_branch_uses_the_index_of_the_requests():
    MemberFactory.create_batch(3, user=None)
    plan = _plan(selectors.member_old_username_filter("okb1000001"))
    assert "Seq Scan" not in plan
    assert "old_connection_username" in plan, plan


@needs_postgres
def test_a_partial_name_search_uses_the_trigram_indexes():
    MemberFactory.create_batch(3, user=None)
    plan = _plan(selectors.member_partial_filter("ヤマダ タ"))
    assert "Seq Scan on accounts_member" not in plan
    assert "member_name_trgm_idx" in plan and "member_name_kana_trgm_idx" in plan, plan


@needs_postgres
def test_a_short_name_search_uses_the_prefix_indexes():
    MemberFactory.create_batch(3, user=None)
    plan = _plan(selectors.member_partial_filter("ヤマ"))
    assert "Seq Scan on accounts_member" not in plan
    assert "member_name_prefix_idx" in plan and "member_name_kana_prefix_idx" in plan, plan


def search(query):
    return [r["name"] for r in selectors.member_search(selectors.member_rows(), query)]


def test_short_and_long_queries_choose_prefix_or_contains():
    MemberFactory(name="山田 太郎", name_kana="ヤマダ タロウ", user=None)
    assert search("山田") == ["山田 太郎"]
    assert search("太郎") == []
    assert search("タロウ") == ["山田 太郎"]


def test_an_exact_key_wins_over_partial_matches():
    MemberFactory(name="山田 太郎", phone="0859-00-0001", user=None)
    MemberFactory(name="0859-00-0001 の家族", user=None)
    assert search("0859-00-0001") == ["山田 太郎"]
    assert search("0859-00") == ["0859-00-0001 の家族"]  # not a whole key: part of a name


def test_a_blank_query_lists_everyone():
    MemberFactory.create_batch(2, user=None)
    assert len(search("  ")) == 2
