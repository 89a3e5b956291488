"""The error-message decoder (DESIGN §7b): the table, every entry in both languages, the API's shape,
bad input, and the box on /check/ and on a saved setup."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailsettings import diagnose, op25b
from mailsettings.models import MailProgram

from .factories import MailSetupFactory
from .strategies import json_values

URL = "/api/v1/op25b/diagnose/"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CODE = re.compile(r"\bR\d{1,2}\b")


def sample(pattern: diagnose.Pattern) -> str:
    """The pattern as a program would show it: inside a sentence, a host name between fragments."""
    text = pattern if isinstance(pattern, str) else " smtp.example.jp ".join(pattern)
    return f"Error: {text}. Account: taro, Port: 25"


CASES = [
    pytest.param(entry, pattern, id=f"{entry.id}:{diagnose._display(pattern)}")
    for entry in diagnose.TABLE
    for pattern in entry.patterns
]


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize(("entry", "pattern"), CASES)
def test_every_pattern_of_every_entry_finds_that_entry_first(entry, pattern):
    client = "" if entry.client == diagnose.SMTP else entry.client
    found = diagnose.find_entries(sample(pattern), mail_client=client)
    assert found and found[0].entry is entry, [f.entry.id for f in found]
    assert found[0].pattern  # the words shown as recognised


@pytest.mark.parametrize(("entry", "pattern"), CASES)
def test_every_pattern_is_found_written_in_full_width_capitals_and_other_spacing(entry, pattern):
    def widen(text: str) -> str:  # what an IME or a copy from a PDF gives: full-width digits and letters
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)

    fragments = (pattern,) if isinstance(pattern, str) else pattern
    text = "  \n ".join(widen(f.upper()) for f in fragments)
    client = "" if entry.client == diagnose.SMTP else entry.client
    assert entry in [f.entry for f in diagnose.find_entries(text, mail_client=client)]


def test_every_entry_names_a_known_cause_client_and_rule():
    assert len({entry.id for entry in diagnose.TABLE}) == len(diagnose.TABLE)
    for entry in diagnose.TABLE:
        assert entry.cause in diagnose.CAUSES and entry.client in diagnose.CLIENTS, entry.id
        assert entry.rule is None or entry.rule in op25b.RULES_BY_ID, entry.id
        assert entry.patterns, entry.id
    assert {entry.cause for entry in diagnose.TABLE} == set(diagnose.CAUSES)
    assert {entry.client for entry in diagnose.TABLE} == set(diagnose.CLIENTS)


REQUIRED = [
    ("エラー (0x800CCC0E): サーバーへの接続に失敗しました。", "outlook_classic", "port25_blocked"),
    (
        "送信エラー (0x800CCC0F) が報告されました: 'サーバーへの接続が中断されました。'",
        "outlook_classic",
        "connection_timeout",
    ),
    ("Cannot send the message. Verify the e-mail address in your account properties. 0x800CCC78", "", "auth_required"),
    ("Task 'smtp.example.jp - Sending' reported error (0x80042109)", "", "port25_blocked"),
    ("送信 (SMTP) サーバーからの応答を待っている間にタイムアウトしました。 (0x8004210B)", "", "connection_timeout"),
    ("Unknown Error 0x800CCC67", "", "rate_limited"),
    ("エラー番号: 0x800CCC6A", "", "rate_limited"),
    ("We couldn't connect to the server. Check your settings.", "outlook_new", "connection_timeout"),
    ("アカウントの設定が古くなっています。", "windows_mail", "auth_failed"),
    (
        "The message could not be sent because the connection to Outgoing server (SMTP) smtp.example.jp timed out.",
        "thunderbird",
        "connection_timeout",
    ),
    (
        "The message could not be sent because connecting to Outgoing server (SMTP) smtp.example.jp failed. The "
        "server may be unavailable or is refusing SMTP connections.",
        "thunderbird",
        "port25_blocked",
    ),
    ("Authentication to Outgoing server (SMTP) smtp.example.jp failed.", "thunderbird", "auth_failed"),
    ("The certificate is not trusted because it is self-signed.", "thunderbird", "tls_failed"),
    ("メールを送信できません", "iphone", "port25_blocked"),
    ("Cannot Send Mail. The recipient “a@example.jp” was rejected by the server.", "iphone", "relay_denied"),
    ("受信者“a@example.jp”はサーバによって拒否されました。", "apple_mail", "relay_denied"),
    ("Couldn't open connection to server", "gmail_android", "port25_blocked"),
    ("SMTP認証に失敗しました", "becky", "auth_failed"),
    ("530 5.7.0 Authentication Required", "", "auth_required"),
    ("535-5.7.8 Username and Password not accepted. For more information, go to", "", "auth_failed"),
    ("550 5.7.1 <a@example.jp>... Relaying denied", "", "relay_denied"),
    ("553 5.7.1 <taro@example.jp>: Sender address rejected: not owned by user taro", "", "sender_rejected"),
    ("554 5.7.1 Message rejected as spam", "", "message_rejected"),
    ("421 4.7.0 Too many connections, try again later", "", "rate_limited"),
    ("error:0A00042E:SSL routines::tlsv1 alert protocol version", "", "tls_version"),
    ("530 5.7.0 Must issue a STARTTLS command first.", "", "tls_failed"),
]


@pytest.mark.parametrize(("text", "client", "cause"), REQUIRED)
def test_the_messages_of_the_issue_are_recognised_with_their_cause(text, client, cause):
    result = diagnose.diagnose(text, mail_client=client)
    assert result["recognised"] is True
    assert result["matches"][0]["cause"] == cause, result["matches"]


def test_a_specific_text_wins_over_the_bare_reply_code():
    causes = [m["cause"] for m in diagnose.diagnose("554 5.7.1 <a@b.jp>: Relay access denied")["matches"]]
    assert causes == ["relay_denied"]
    # The bare code alone still says something.
    assert [m["cause"] for m in diagnose.diagnose("554 5.7.1")["matches"]] == ["message_rejected"]


def test_a_longer_match_hides_the_one_inside_it():
    found = diagnose.find_entries("The sender address “a@b.jp” was rejected by the server.")
    assert [f.entry.id for f in found] == ["iphone-sender-rejected"]


def test_the_named_program_comes_first():
    text = "サーバーに接続できませんでした。"
    assert diagnose.find_entries(text, mail_client="outlook_new")[0].entry.client == "outlook_new"
    assert diagnose.find_entries(text, mail_client="outlook_classic")[0].entry.client == "outlook_classic"


def test_a_number_inside_a_longer_number_is_not_a_reply_code():
    assert diagnose.diagnose("order 1554 5.1 shipped")["recognised"] is False
    assert diagnose.diagnose("0x800CCC0EE")["recognised"] is False


@pytest.mark.parametrize(
    "text",
    ["", "   ", "hello", "メールが届きません", "The weather is fine today.", "\x00\x01\ud800", "5.7.8"],
)
def test_unknown_text_is_not_recognised_and_gives_the_next_step_never_a_guess(text):
    result = diagnose.diagnose(text)
    assert (result["recognised"], result["matches"]) == (False, [])
    with translation.override("ja"):
        assert "サポートセンター" in diagnose.diagnose(text)["detail"]


def test_the_work_on_a_huge_text_is_bounded():
    # Only the first SCAN_LIMIT characters are read; a pattern after them is not seen.
    assert diagnose.diagnose("x " * diagnose.SCAN_LIMIT + "0x800CCC0E")["recognised"] is False
    # Many near-misses of a fragmented pattern: each is looked at once, within the window.
    assert diagnose.diagnose("送信 (SMTP) サーバー " * 5000)["recognised"] is False


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=300),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
        st.lists(
            st.sampled_from([f for e in diagnose.TABLE for p in e.patterns for f in (p,) if isinstance(f, str)])
        ).map(" ".join),
        st.binary(max_size=200).map(lambda b: b.decode("utf-8", "surrogateescape")),
    ),
    st.sampled_from(["", *MailProgram.values]),
)
def test_any_text_is_recognised_or_not_without_error(text, client):
    result = diagnose.diagnose(text, mail_client=client)
    assert result["recognised"] is bool(result["matches"])
    assert len(result["matches"]) <= diagnose.MAX_MATCHES
    for match in result["matches"]:
        assert match["cause"] in diagnose.CAUSES and match["client"] in diagnose.CLIENTS


@pytest.mark.parametrize("entry", diagnose.TABLE, ids=lambda e: e.id)
def test_every_entry_reads_in_japanese_and_in_english_without_codes(entry):
    texts = entry.texts
    words = [texts.title, texts.explanation, *texts.steps]
    with translation.override("ja"):
        japanese = [str(w) for w in words]
    with translation.override("en"):
        english = [str(w) for w in words]
    for ja, en in zip(japanese, english, strict=True):
        assert JAPANESE.search(ja) and ja != en, en
        assert not CODE.search(ja) and not CODE.search(en)
        assert entry.cause not in ja and entry.cause not in en


@pytest.mark.django_db
@pytest.mark.parametrize("rule", sorted({e.rule for e in diagnose.TABLE if e.rule}))
def test_the_answer_link_of_each_rule_shows_that_rule(client, rule):
    page = client.get(diagnose.answer_url(rule)).content.decode()
    assert f'id="rule-{rule}" data-rule="{rule}" class="current"' in page


# --------------------------------------------------------------------------- the API


@pytest.mark.django_db
def test_the_api_returns_the_diagnosis_of_design_7b(api):
    body = {"error_text": "エラー (0x800CCC0E): サーバーへの接続に失敗しました。", "mail_client": "outlook_classic"}
    response = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200, response.content
    result = response.json()
    assert set(result) == {"recognised", "matches"} and result["recognised"] is True
    match = result["matches"][0]
    assert set(match) == {"cause", "rule", "client", "pattern", "title", "explanation", "steps"}
    assert (match["cause"], match["rule"], match["client"], match["pattern"]) == (
        "port25_blocked",
        "R11",
        "outlook_classic",
        "0x800CCC0E",
    )
    assert JAPANESE.search(match["title"]) and all(JAPANESE.search(step) for step in match["steps"])
    assert response["Content-Language"] == "ja"
    english = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["matches"][0]
    assert english["title"] == "Your mail program cannot reach the outgoing server"


@pytest.mark.django_db
def test_unknown_text_through_the_api_is_not_recognised_with_the_next_step(api):
    response = api.post(URL, {"error_text": "something odd happened"}, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    body = response.json()
    assert (body["recognised"], body["matches"]) == (False, [])
    assert "サポートセンター" in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "error_text"),
        ({"error_text": ""}, "error_text"),
        ({"error_text": " \n\t"}, "error_text"),
        ({"error_text": None}, "error_text"),
        ({"error_text": 535}, "error_text"),
        ({"error_text": ["a"]}, "error_text"),
        ({"error_text": "x" * 10_001}, "error_text"),
        ({"error_text": "535 5.7.8\x00"}, "error_text"),
        ({"error_text": "535 5.7.8", "mail_client": "outlook97"}, "mail_client"),
        ({"error_text": "535 5.7.8", "mail_client": None}, "mail_client"),
    ],
)
def test_bad_input_is_a_400_with_a_field_error(api, body, field):
    response = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert JAPANESE.search(response.json()[field][0])


@pytest.mark.django_db
def test_ten_thousand_characters_are_accepted_and_a_hundred_kilobytes_refused(api):
    assert api.post(URL, {"error_text": "0x800CCC0E " + "x" * 9989}, format="json").json()["recognised"] is True
    big = api.post(URL, {"error_text": "0x800CCC0E " * 10_000}, format="json")  # 110 KB
    assert big.status_code == 400 and list(big.json()) == ["error_text"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        b'{"error_text": "\\ud800 lone surrogate 535 5.7.8"}',
        b'{"error_text": "\\udfff"}',
        b"\xff\xfe\x00binary",
        b'["error_text"]',
        b'"0x800CCC0E"',
        bytes(range(256)),
    ],
)
def test_binary_and_broken_bodies_are_a_400_or_not_recognised_never_a_500(api, raw):
    response = api.post(URL, raw, content_type="application/json")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        assert response.json()["recognised"] in (True, False)


@pytest.mark.django_db
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    body=st.dictionaries(
        st.sampled_from(["error_text", "mail_client", "other"]),
        json_values | st.text(max_size=200) | st.sampled_from(["0x800CCC0E", "535 5.7.8", *MailProgram.values]),
        max_size=3,
    )
    | json_values
)
def test_any_json_body_gets_a_diagnosis_or_a_400_never_a_500(api, body):
    response = api.post(URL, body, format="json")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        assert response.json()["recognised"] in (True, False)
    else:
        assert isinstance(response.json(), dict)


@pytest.mark.django_db
def test_the_api_needs_a_key(anon_api):
    assert anon_api.post(URL, {"error_text": "535 5.7.8"}, format="json").status_code in (401, 403)


# --------------------------------------------------------------------------- the pages


@pytest.mark.django_db
def test_the_box_on_the_check_page_posts_to_the_decoder(client):
    page = client.get("/check/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'action="{reverse("check-diagnose")}"' in page and 'method="post"' in page
    assert "メールソフトに表示されたエラーメッセージを貼り付けてください" in page
    assert 'for="diagnose_error_text"' in page  # a label of its own, apart from the check's fields


@pytest.mark.django_db
def test_the_decoder_page_shows_the_match_with_its_steps_and_the_way_to_the_settings(client):
    response = client.post(
        reverse("check-diagnose"), {"error_text": "0x800CCC0E", "mail_client": ""}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-recognised="true"' in page and 'data-cause="port25_blocked"' in page
    assert "送信サーバーにつながりません" in page  # the title, in Japanese
    assert diagnose.answer_url("R11").replace("&", "&amp;") in page
    assert "0x800CCC0E" in page  # the textarea keeps what was pasted
    shown = re.sub(r"<[^>]+>|data-[a-z]+=\"[^\"]*\"|href=\"[^\"]*\"", " ", page)
    assert not CODE.search(re.sub(r"<textarea.*?</textarea>", "", shown, flags=re.S))
    assert "port25_blocked" not in shown


@pytest.mark.django_db
def test_an_empty_message_gives_the_error_summary(client):
    response = client.post(reverse("check-diagnose"), {"error_text": "  "}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page and 'href="#diagnose_error_text"' in page
    assert "エラーメッセージを貼り付けてください" in page


@pytest.mark.django_db
def test_unknown_text_on_the_page_gives_the_check_and_the_support_center(client, settings):
    response = client.post(reverse("check-diagnose"), {"error_text": "わかりません"}, HTTP_ACCEPT_LANGUAGE="ja")
    page = response.content.decode()
    assert 'data-recognised="false"' in page
    assert f'href="{reverse("check")}"' in page and settings.OKBNET_SUPPORT_PHONE in page


@pytest.mark.django_db
def test_a_saved_setup_has_the_box_and_its_program_comes_first(client, alice, charlie):
    setup = MailSetupFactory(member=alice, mail_program="outlook_new")
    client.force_login(alice.user)
    page = client.get(reverse("mail-setup", args=[setup.id])).content.decode()
    assert f'action="{reverse("mail-setup-diagnose", args=[setup.id])}"' in page
    assert '<option value="outlook_new" selected>' in page
    url = reverse("mail-setup-diagnose", args=[setup.id])
    response = client.post(url, {"error_text": "サーバーに接続できませんでした", "mail_client": "outlook_new"})
    assert response.status_code == 200
    assert response.content.decode().index('data-cause="connection_timeout"') < response.content.decode().index(
        'data-cause="port25_blocked"'
    )
    client.force_login(charlie.user)  # someone else's setup: not found
    assert client.post(url, {"error_text": "535 5.7.8"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_diagnosis_page_reads_in_its_language_without_codes(client, language):
    from .test_language_crawl import problems, visible_texts

    found = {}
    for entry in diagnose.TABLE:
        pattern = entry.patterns[0]
        text = pattern if isinstance(pattern, str) else " smtp.example.jp ".join(pattern)
        response = client.post(f"{reverse('check-diagnose')}?lang={language}", {"error_text": text})
        assert response.status_code == 200
        page = response.content.decode()
        assert f'data-cause="{entry.cause}"' in page
        visible = visible_texts(re.sub(r"<textarea.*?</textarea>", "", page, flags=re.S))
        wrong = problems(visible, language) + [t for t in visible if CODE.search(t) or entry.cause in t]
        if wrong:
            found[entry.id] = wrong
    assert found == {}


@pytest.mark.django_db
def test_the_api_is_rate_limited_per_client_with_the_verdicts(api, settings, start_of_a_minute):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "verdict": "2/min"},
    }
    codes = [api.post(URL, {"error_text": "535 5.7.8"}, format="json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    cache.clear()


def test_the_schemas_examples_are_what_the_api_answers(settings):
    from mailsettings import api

    settings.OKBNET_SUPPORT_PHONE = "0120-25-0587"
    with translation.override("ja"):
        asked = diagnose.diagnose(
            "エラー (0x800CCC0E): サーバーへの接続に失敗しました。", mail_client="outlook_classic"
        )
        assert asked == api.DIAGNOSIS_EXAMPLE
        assert diagnose.diagnose("何か") == api.NOT_RECOGNISED_EXAMPLE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"error_text": "x" * 100_000}, 400),
        ({"error_text": "535 5.7.8\x00"}, 400),
        ({"error_text": "535 5.7.8", "mail_client": "outlook97"}, 400),
        ({"error_text": "\ufffe\uffff\U0010ffff 535 5.7.8"}, 200),
    ],
)
def test_bad_input_on_the_page_is_a_400_with_the_summary_or_an_answer_never_a_500(client, body, status):
    response = client.post(reverse("check-diagnose"), body, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == status
    page = response.content.decode()
    assert ("data-error-summary" in page) is (status == 400)


@pytest.mark.django_db
def test_a_binary_form_body_on_the_page_is_never_a_500(client):
    raw = b"error_text=" + bytes(range(1, 256)) + b"%FF%FE%00&mail_client=%C3%28"
    response = client.post(reverse("check-diagnose"), raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)
