"""/api/docs/ (Swagger UI) renders its operations under the portal's own Content-Security-Policy:
its start-up script is a static file (drf-spectacular's split view), not an inline script."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_lists_every_operation_under_the_production_csp(browser, live_server, client):
    schema = client.get("/api/schema/?format=json").json()
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")  # the CSP applies
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        response = page.goto("/api/docs/")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        page.wait_for_selector(".opblock-summary")
        shown = page.locator(".opblock").count()
        ids = set(page.locator(".opblock").evaluate_all("els => els.map(e => e.id)"))
    finally:
        context.close()
    assert shown == len(operations)
    assert all(any(op in html_id for html_id in ids) for op in operations), (operations, ids)
    assert refused == []
