"""Boot the production configuration and use it as a person would (run by `make check`).

DEBUG off, a real secret key, `check --deploy`, `migrate`, `collectstatic`, gunicorn with
deploy/gunicorn.conf.py on a free loopback port, requests carrying `X-Forwarded-Proto: https` as
nginx sets it (DJANGO_BEHIND_PROXY=1). Then: every public page, the log-in page, /api/docs/ and
the schema answer 200, a collected static file is served, a 404 is not Django's debug page, and
the demo member and the demo staff user log in through the log-in form (CSRF and all).

With DATABASE_URL on PostgreSQL it uses a throw-away database `<name>_prodcheck` on that server;
otherwise SQLite in a temporary directory. Exit status 0 only if everything held.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PUBLIC_PAGES = [
    "/",
    "/check/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/activate/",
    "/network/dynamic-ranges.txt",
    "/network/dynamic-ranges.csv",
    "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=taro%40okbnet.ne.jp",
    "/api/docs/",
    "/api/schema/",
    "/?lang=en",
]


def fail(message: str) -> None:
    print(f"production check FAILED: {message}", flush=True)
    raise SystemExit(1)


class Browser:
    """Just enough of a browser over loopback http: it keeps cookies itself (they are `Secure`,
    which a plain client would not send over http) and says https like nginx would."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, referer: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", "Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if referer:
            headers["Referer"] = f"https://127.0.0.1:{self.port}{referer}"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response, content

    def get(self, path: str):
        return self.request("GET", path)

    def log_in(self, username: str, password: str) -> str:
        response, page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status != 200 or not token:
            fail(f"log-in page: {response.status}")
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password},
            referer="/accounts/login/",
        )
        if response.status != 302:
            fail(f"log-in as {username}: {response.status} instead of a redirect")
        return response.getheader("Location")


def manage(environ: dict[str, str], *args: str) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database(tmp: str) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp}/portal.sqlite3", lambda: None
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_prodcheck"
    admin_url = urlunparse(parsed._replace(path="/postgres"))

    def run(sql: str) -> None:
        conn = psycopg2.connect(admin_url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql)
        conn.close()

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path=f"/{name}")), lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="okbnet-prodcheck-")
    db_url, drop = database(tmp)
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "OKBNET_", "WEB_"))}
    environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_BEHIND_PROXY="1",
        DJANGO_STATIC_ROOT=f"{tmp}/static",
        OKBNET_VAR_DIR=f"{tmp}/var",
        DATABASE_URL=db_url,
        EMAIL_URL="console://",
        WEB_BIND="127.0.0.1:0",  # a free loopback port, read back from gunicorn's log
        WEB_WORKERS="2",
        WEB_ACCESS_LOG=f"{tmp}/access.log",
    )
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    gunicorn = None
    try:
        manage(environ, "check", "--deploy", "--fail-level", "WARNING")
        manage(environ, "migrate", "--noinput", "-v0")
        manage(environ, "collectstatic", "--noinput", "-v0")
        demo = manage(environ, "seed_demo")
        member = re.search(r"Demo member: log in as (\S+) .*password (\S+)", demo)
        staff = re.search(r"Demo staff:\s+log in as (\S+), password (\S+)", demo)
        if not member or not staff:
            fail(f"seed_demo did not print the demo log-ins:\n{demo}")
        log = Path(tmp, "gunicorn.log")
        with log.open("w") as stderr:
            gunicorn = subprocess.Popen(
                [PY, "-m", "gunicorn", "okbnet_portal.wsgi", "-c", "deploy/gunicorn.conf.py"],
                cwd=ROOT,
                env=environ,
                stderr=stderr,
            )
        deadline = time.monotonic() + 60
        while not (listening := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())):
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                fail(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.3)
        port = int(listening.group(1))
        browser = Browser(port)
        while True:
            try:
                if browser.get("/check/")[0].status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                fail("gunicorn did not answer /check/ with 200")
            time.sleep(0.5)

        for path in PUBLIC_PAGES:
            response, _ = Browser(port).get(path)
            if response.status != 200:
                fail(f"GET {path}: {response.status}")
            print(f"200 {path}")
        _, home = Browser(port).get("/")
        css = re.search(rb'href="(/static/[^"]+\.css)"', home)
        if not css or Browser(port).get(css.group(1).decode())[0].status != 200:
            fail("the collected stylesheet is not served")
        print(f"200 {css.group(1).decode()} (collected, hashed name)")
        response, page = Browser(port).get("/no-such-page/")
        if response.status != 404 or b"Traceback" in page or b"DEBUG = True" in page:
            fail("a missing page is not a plain 404")
        response, _ = Browser(port).request("GET", "/check/")
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        plain.request("GET", "/check/", headers={"Host": f"127.0.0.1:{port}"})
        redirect = plain.getresponse()
        if redirect.status != 301 or not redirect.getheader("Location", "").startswith("https://"):
            fail("plain http (no X-Forwarded-Proto) is not redirected to https")

        person = Browser(port)
        where = person.log_in(member.group(1), member.group(2))
        response, page = person.get(where)
        if response.status != 200 or "private" not in (response.getheader("Cache-Control") or ""):
            fail(f"the member's page after log-in ({where}): {response.status}")
        print(f"member {member.group(1)} logged in: 200 {where}")
        desk = Browser(port)
        where = desk.log_in(staff.group(1), staff.group(2))
        for path in (where, "/staff/", "/staff/tickets/"):
            response, _ = desk.get(path)
            if response.status != 200:
                fail(f"staff page {path}: {response.status}")
        print(f"staff {staff.group(1)} logged in: 200 {where}, /staff/, /staff/tickets/")
        print("production check: OK (DEBUG off, collected static, gunicorn)")
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        drop()


if __name__ == "__main__":
    main()
