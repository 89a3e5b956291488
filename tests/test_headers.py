"""Headers and trust: personal pages are never cached; X-Forwarded-Proto is trusted only behind a proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize(
    "url", ["/mypage/", "/mypage/tickets/", "/mypage/plan/fixed-ip/", "/mypage/mail/new/", "/check/"]
)
def test_member_pages_are_private_and_not_stored(client, alice, url):
    client.force_login(alice.user)
    response = client.get(url)
    assert response.status_code == 200
    assert _private(response), response.get("Cache-Control")


@pytest.mark.parametrize("url", ["/staff/", "/staff/tickets/", "/staff/network/lookup/"])
def test_staff_pages_are_private_and_not_stored(client, staff_user, url):
    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200 and _private(response)


def test_api_answers_are_private_and_not_stored(api, alice):
    response = api.get(f"/api/v1/members/{alice.member_number}/")
    assert response.status_code == 200 and _private(response)


def test_the_carriers_public_list_keeps_its_public_caching(client):
    response = client.get("/network/dynamic-ranges.txt")
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def _proxy_header(behind_proxy: str | None) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_BEHIND_PROXY"}
    if behind_proxy is not None:
        environ["DJANGO_BEHIND_PROXY"] = behind_proxy
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**environ, "DJANGO_SETTINGS_MODULE": "okbnet_portal.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_x_forwarded_proto_is_trusted_only_when_the_operator_says_so():
    assert _proxy_header(None) == "None"
    assert _proxy_header("0") == "None"
    assert _proxy_header("1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_without_a_proxy_a_client_cannot_claim_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None  # DJANGO_BEHIND_PROXY off (the default)
    response = Client().get("/check/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_behind_the_proxy_its_header_says_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # DJANGO_BEHIND_PROXY=1
    assert Client().get("/check/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
