"""Staff upload the RADIUS log; the page follows the worker (lines done / total) and shows the
result without being reloaded."""

import psycopg2
import pytest
from django.db import connection

from tests.components import require
from tests.e2e.test_abuse_desk import logged_in_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROWS = 3000


def test_the_import_page_updates_itself_until_the_result(
    browser, live_server, celery_worker, staff_user, alice, tmp_path
):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    log = tmp_path / "radacct.csv"
    log.write_text(
        "username,address,start,stop\n"
        + "".join(f"{alice.connection_username},10.0.{i // 256}.{i % 256},2026-11-01 09:00:00,\n" for i in range(ROWS))
    )
    # Hold the sessions table from outside: the worker checks and stages every line, then waits to publish.
    params = connection.get_connection_params()
    blocker = psycopg2.connect(**params)
    try:
        with blocker.cursor() as cur:
            cur.execute("LOCK TABLE network_radiussession IN EXCLUSIVE MODE")
        context = logged_in_context(browser, live_server, staff_user)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto("/staff/network/sessions/import/")
        page.get_by_label("RADIUS アカウンティングログ（CSV）").set_input_files(str(log))
        page.get_by_role("button", name="取り込む").click()
        page.wait_for_url("**/staff/network/sessions/import/*/")
        page.evaluate("window.sameDocument = true")
        page.locator('[data-role="status-label"]', has_text="セッションを保存中").wait_for()
        page.locator('[data-role="rows-done"]', has_text=str(ROWS)).wait_for()
        assert page.locator('[data-role="total-rows"]').inner_text() == str(ROWS)
        assert page.locator("progress").get_attribute("max") == str(ROWS)
    finally:
        blocker.rollback()  # the worker publishes now
        blocker.close()
    page.get_by_text(f"{ROWS}件のセッションを取り込みました。").wait_for()
    assert page.locator('[data-role="status-label"]').inner_text() == "取り込み完了"
    assert page.evaluate("window.sameDocument") is True  # updated in place, never reloaded
    assert alice.radius_sessions.count() == ROWS
    context.close()
