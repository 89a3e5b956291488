"""Every page in the page's language, with no internal code: a crawl as anonymous, member and
staff, in Japanese and English. One parametrised test over PAGES: add a page by adding a line.

Fails on visible text that is an internal code (snake_case identifiers, raw status and
line-type codes, Python's None) and, in Japanese, on English words outside ALLOWED.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.services import plan_change_request
from mailsettings.models import OwnDomain
from support.models import Ticket

from .factories import MailSetupFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

R11 = "ip_type=dynamic&sending_via=other_provider&port=25&provider_submission=none&mail_client=outlook_classic"
R4 = "ip_type=dynamic&sending_via=okbnet&port=unknown&mail_client=iphone"
R13 = "ip_type=dynamic&sending_via=own_server&port=25"
# (who, path) — "{setup}" and "{ticket}" are filled with the member's objects.
PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/check/"),
    ("anonymous", f"/check/?{R11}"),
    ("anonymous", f"/check/?{R4}"),
    ("anonymous", f"/check/?{R13}"),
    ("anonymous", "/check/?ip_type=dynamic&sending_via=okbnet&port=25&okbnet_address=taro@gmail.com"),
    ("anonymous", "/check/diagnose/"),
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/accounts/password_reset/"),
    ("anonymous", "/accounts/activate/"),
    ("member", "/mypage/"),
    ("member", "/mypage/mail/new/"),
    ("member", "/mypage/mail/{setup}/"),
    ("member", "/mypage/mail/{setup}/diagnose/"),
    ("member", "/mypage/plan/fixed-ip/"),
    ("member", "/mypage/tickets/"),
    ("member", f"/check/?{R11}"),
    ("member", "/mypage/tickets/{ticket}/"),
    ("staff", "/staff/"),
    ("staff", "/staff/tickets/"),
    ("staff", "/staff/tickets/{ticket}/"),
    # /staff/members/ and /staff/abuse/ come with issue 15's pages: add them here.
]
LANGUAGES = ["ja", "en"]

# Words that stay as they are in Japanese text: names, protocols, program names.
ALLOWED = {
    "OKBNET",
    "OP25B",
    "SMTP",
    "AUTH",
    "STARTTLS",
    "SSL",
    "TLS",
    "IP",
    "PC",
    "DNS",
    "HTTPS",
    "MX",
    "SPF",
    "SRV",
    "CNAME",
    "TXT",
    "RFC",
    "IMAP",
    "POP",
    "ONU",
    "PPPoE",
    "LOGIN",
    "ASCII",
    "SLA",  # staff say it as it is (service level agreement)
    "URL",
    "ID",
    "Outlook",
    "Windows",
    "Thunderbird",
    "iPhone",
    "iPad",
    "Mac",
    "Android",
    "Gmail",
    "Becky",
    "Internet",
    "Mail",
    "Yahoo",
    "iCloud",
    "English",
    "Google",
    "Apple",
    "Microsoft",
    "macOS",
    "iOS",
    "OCN",
    "BIGLOBE",
    "nifty",
    "docomo",
    "au",
    "SoftBank",
    "Rakuten",
    "Hikari",
    "Cross",
    "ADSL",
    "Home",
    "Mansion",
    "Fixed",
    "Cable",
    "OK",
    "Wi",
    "Fi",
    "Web",
    "include",
    "mobileconfig",
    "Api",
    "Key",
    "CSV",
    "BIND",
    "DMARC",
    "DKIM",
    "TTL",
}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# Raw codes seen on pages before (issue 12), alone or after a colon/arrow; Python's None anywhere.
RAW = re.compile(
    r"(?:^|[:→]\s*)(?:fibre|catv|adsl|new|open|pending|resolved|closed|submitted|processing|completed|failed)\s*$"
    r"|\bNone\b(?!\.)|\brequest #\d|step: "
)
PHRASES = ("SMTP over SSL",)
WORD = re.compile(r"[A-Za-z]{2,}")


class _Text(HTMLParser):
    """Visible text: no script/style, no attribute values, nothing inside <code> (values to type)."""

    SKIP = {"script", "style", "code", "pre", "title"}  # code/pre: values and records to type or copy

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def problems(texts: list[str], language: str) -> list[str]:
    found = []
    for text in texts:
        for code in SNAKE.findall(text):
            found.append(f"code {code!r} in {text!r}")
        if RAW.search(text):
            found.append(f"raw code in {text!r}")
        if language == "ja":
            # Host names, addresses, user names, numbers and records are values, not words.
            plain = text
            for phrase in PHRASES:
                plain = plain.replace(phrase, " ")
            plain = re.sub(r"\S*[@./:=\d]\S*|[-~+?]all\b", " ", plain)
            for word in WORD.findall(plain):
                if word not in ALLOWED:
                    found.append(f"English {word!r} in {text!r}")
    return found


@pytest.fixture
def people(client):  # on_commit never fires here: no task is queued
    member = MemberFactory(mail_address="taro@okbnet.ne.jp")
    OwnDomain.objects.get_or_create(domain="okabe-shoten.jp", defaults={"member": member})
    setup = MailSetupFactory(member=member, mail_program="outlook_classic", provider_submission="none")
    with translation.override("ja"):  # the member asks on a Japanese page
        request = plan_change_request(member=member, by=member.user)
    ticket = Ticket.objects.get(pk=request.ticket_id)
    return {"member": member, "staff": StaffFactory(), "setup": setup, "ticket": ticket}


CHECKED = {"pages": 0, "texts": 0}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("who", "path"), PAGES)
def test_every_visible_text_is_in_the_pages_language(client, people, who, path, language):
    if who != "anonymous":
        client.force_login(people[who].user if who == "member" else people[who])
    url = path.format(setup=people["setup"].pk, ticket=people["ticket"].number)
    url += ("&" if "?" in url else "?") + f"lang={language}"
    response = client.get(url, follow=True)
    assert response.status_code in (200, 400), url
    texts = visible_texts(response.content.decode())
    assert texts
    CHECKED["pages"] += 1
    CHECKED["texts"] += len(texts)
    assert problems(texts, language) == [], url


def test_the_crawl_itself_catches_codes_and_english():
    assert problems(["状態: resolved"], "ja") and problems(["None"], "en") and not problems(["None."], "en")
    assert problems(["request #1"], "en") and problems(["hikari-home → fibre"], "en")
    assert problems(["送信 server"], "ja") and not problems(["送信サーバー gw.okbnet.ne.jp"], "ja")
    assert reverse("check") == "/check/"
