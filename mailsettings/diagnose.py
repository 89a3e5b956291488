"""The error-message decoder (DESIGN §7b): the messages mail programs and servers show, as data.

Like the quick-reference table (op25b.py) this module is the one place that knows them. Each
entry names the program that shows the text (or ``smtp`` for a server's reply, whatever the
program), its patterns, the cause code of §7b, the rule of the quick-reference table it leads to
(``None`` when the cure is not a setting: a busy server, a stopped account, a refused message)
and the words for the member. Texts default to the cause's; an entry may say more.

Matching (``diagnose``) is plain substring search on a normalised copy of the text (NFKC, case
folded, white space collapsed, spaces next to Japanese dropped, the long-vowel mark ー dropped so
that サーバ and サーバー are one word), so it is linear in the text and cannot blow up on hostile
input. A pattern is a string, or a tuple of fragments that must follow each other closely (the
host name a program puts between them varies). Only the first ``SCAN_LIMIT`` characters are read.

- A pattern that is only an SMTP reply code (``535 5.7.8``), and every pattern of an entry marked
  ``general`` (a program's heading such as 「メールを送信できません」), counts only when no more
  specific pattern matched.
- A match inside a longer match of another entry gives way to it.
- The program the member named (``mail_client``) comes first, then the server's reply, then the
  rest; within each, the longer match first.

Unknown text is "not recognised", with the next step: never a guess.

The program texts are written as the programs show them, to the best of our knowledge, without
being able to run each program here (see the report of issue 13): when a member pastes a message
that is not recognised, add its words to the entry it belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from okbnet_portal.errors import InvalidInput

from . import op25b
from .models import MailProgram

MAX_CHARS = 10_000  # what the API and the form accept
SCAN_LIMIT = 20_000  # what diagnose() reads of anything longer (callers outside the API)
WINDOW = 200  # at most this many characters between two fragments of one pattern
MAX_MATCHES = 5

CAUSES = (
    "port25_blocked",
    "connection_timeout",
    "server_not_found",
    "auth_required",
    "auth_failed",
    "relay_denied",
    "sender_rejected",
    "tls_failed",
    "tls_version",
    "rate_limited",
    "account_suspended",
    "message_rejected",
)
SMTP = "smtp"  # the server's reply, whichever program shows it
CLIENTS = (*(p for p in MailProgram.values if p != MailProgram.OTHER), SMTP)

# --------------------------------------------------------------------------- the words


@dataclass(frozen=True)
class Texts:
    title: Promise
    explanation: Promise
    steps: tuple[Promise, ...]


_OPEN = _("Open the outgoing (SMTP) server settings of your mail program.")
_PORT = _(
    "Look at the port number. If it is 25, change it to 587 with STARTTLS and turn on "
    "“outgoing server requires authentication”."
)
_GATEWAY = _(
    "If your provider does not accept port 587, send through OKBNET's gateway instead: "
    "the answer page below shows what to type."
)
_TEST = _("Restart the mail program and send yourself a test message.")
_AUTH_ON = _(
    "Turn on “outgoing server requires authentication” (SMTP AUTH) and use the same user name and "
    "password as for receiving."
)
_SUBMISSION = _("Use port 587 with STARTTLS, or port 465 with SSL/TLS.")
_SUPPORT = _("If it still does not work, call the OKBNET support center: we will look at it with you.")

CAUSE_TEXTS: dict[str, Texts] = {
    "port25_blocked": Texts(
        _("Your mail program cannot reach the outgoing server"),
        _(
            "Your mail program tried to send on port 25. On OKBNET's dynamic-IP lines, port 25 to other "
            "companies' servers is blocked (OP25B), so the message did not leave your computer."
        ),
        (_OPEN, _PORT, _GATEWAY, _TEST),
    ),
    "connection_timeout": Texts(
        _("The outgoing server did not answer in time"),
        _(
            "Your mail program waited for the outgoing server and gave up. On an OKBNET dynamic-IP line the "
            "usual reason is port 25 being blocked (OP25B); a wrong server name or port, or a security "
            "program, can also cause it."
        ),
        (
            _OPEN,
            _PORT,
            _GATEWAY,
            _("If the port is already 587 or 465, compare the server name with your provider's mail settings page."),
            _TEST,
        ),
    ),
    "server_not_found": Texts(
        _("The outgoing server's name was not found"),
        _(
            "The name typed as the outgoing (SMTP) server does not exist, or the connection to the internet "
            "is down. OP25B does not cause this."
        ),
        (
            _("Check that web pages open, to make sure you are connected to the internet."),
            _(
                "Compare the outgoing server name, letter by letter, with your provider's mail settings page "
                "(for an OKBNET address: the gateway named on the answer page)."
            ),
            _TEST,
        ),
    ),
    "auth_required": Texts(
        _("The outgoing server wants you to log on"),
        _(
            "The server accepts mail only from people who log on (SMTP AUTH). Your mail program is sending "
            "without logging on."
        ),
        (_OPEN, _AUTH_ON, _SUBMISSION, _TEST),
    ),
    "auth_failed": Texts(
        _("The user name or password for sending was not accepted"),
        _(
            "The outgoing server refused the user name or password your mail program sent. It may have been "
            "typed wrongly, or the password was changed."
        ),
        (
            _OPEN,
            _(
                "Check the user name. For OKBNET mail it is your whole OKBNET mail address, as printed on "
                "your contract document."
            ),
            _("Type the password again carefully: capital and small letters are different."),
            _(
                "Gmail, Yahoo! Mail and iCloud may ask for an app password instead of your usual one: make one "
                "on the provider's security page and type that."
            ),
            _SUPPORT,
        ),
    ),
    "relay_denied": Texts(
        _("The server refused to pass your mail on"),
        _(
            "The outgoing server forwards mail only for people who have logged on. Your mail program did not "
            "log on, or it uses a server that is not your address's provider's."
        ),
        (
            _OPEN,
            _AUTH_ON,
            _(
                "Use the outgoing server of the provider of your address (for an OKBNET address: OKBNET's "
                "gateway, shown on the answer page)."
            ),
            _TEST,
        ),
    ),
    "sender_rejected": Texts(
        _("The server refused your sender address"),
        _(
            "The outgoing server accepts only the addresses of the account you logged on with. The address "
            "you send from belongs to another account or another provider."
        ),
        (
            _("Check that the mail address in the account settings is the one you send from."),
            _("Send each address through its own provider's outgoing server, logged on with that address's user name."),
            _TEST,
        ),
    ),
    "tls_failed": Texts(
        _("The secure connection to the outgoing server failed"),
        _(
            "The encryption setting does not fit the port, or the server name does not match the name on "
            "the server's certificate."
        ),
        (
            _OPEN,
            _("Port 587 goes with STARTTLS (sometimes called TLS); port 465 goes with SSL/TLS. Check the pair."),
            _(
                "Type the server name exactly as your provider's mail settings page shows it: another name for "
                "the same server makes the certificate check fail."
            ),
            _("Do not accept a certificate warning you are unsure of; call the support center instead."),
        ),
    ),
    "tls_version": Texts(
        _("Your mail program's security is too old for the server"),
        _(
            "The server accepts only newer encryption (TLS 1.2 or later), which this version of the mail "
            "program or of the computer does not use."
        ),
        (
            _("Update the mail program, and Windows, macOS or iOS, to the latest version."),
            _("If the program cannot be updated, use a current one (for example Thunderbird)."),
            _SUBMISSION,
            _SUPPORT,
        ),
    ),
    "rate_limited": Texts(
        _("The server is busy or has limited your sending"),
        _(
            "The server asked your mail program to try again later: too many connections or messages in a "
            "short time, or the server is busy. Your settings are probably right."
        ),
        (
            _("Wait 15 to 30 minutes, then send again."),
            _("If you send to many people at once, send to fewer people at a time."),
            _("If it goes on for hours, call your provider's support center (for an OKBNET address: ours)."),
        ),
    ),
    "account_suspended": Texts(
        _("The mail account is stopped"),
        _(
            "The server says this account may not send mail at the moment, for example after suspected spam, "
            "an unpaid bill or a forced password change."
        ),
        (
            _("Log in to your provider's webmail: it usually explains why and what to do."),
            _("For an OKBNET address, call the OKBNET support center: we will tell you what is needed."),
        ),
    ),
    "message_rejected": Texts(
        _("The server refused this message"),
        _(
            "The server accepted the connection but refused the message itself: for example it looked like "
            "spam, an attachment was too large, or a recipient's address does not exist."
        ),
        (
            _("Check each recipient's address for typing mistakes."),
            _("Remove large attachments (more than about 10 MB) or send them another way."),
            _SUPPORT,
        ),
    ),
}

# --------------------------------------------------------------------------- the table

Pattern = str | tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    id: str
    client: str  # a CLIENTS value
    cause: str  # a CAUSES value
    rule: str | None  # the quick-reference row it leads to (op25b.TABLE), None: not a setting
    patterns: tuple[Pattern, ...]
    general: bool = False  # a heading that says little: only when nothing more specific matched
    title: Promise | None = None
    explanation: Promise | None = None
    steps: tuple[Promise, ...] | None = None

    @property
    def texts(self) -> Texts:
        base = CAUSE_TEXTS[self.cause]
        return Texts(self.title or base.title, self.explanation or base.explanation, self.steps or base.steps)


_M = MailProgram

TABLE: tuple[Entry, ...] = (
    # --- Outlook (classic): "エラー (0x800CCC0E): …" and the texts it shows with the numbers.
    Entry(
        "outlook-0x800ccc0e",
        _M.OUTLOOK_CLASSIC,
        "port25_blocked",
        "R11",
        (
            "0x800CCC0E",
            "The connection to the server has failed",
            "サーバーへの接続に失敗しました",
            "サーバーに接続できませんでした",
        ),
    ),
    Entry(
        "outlook-0x800ccc0f",
        _M.OUTLOOK_CLASSIC,
        "connection_timeout",
        "R11",
        ("0x800CCC0F", "The connection to the server was interrupted", "サーバーへの接続が中断されました"),
    ),
    Entry(
        "outlook-0x800ccc78",
        _M.OUTLOOK_CLASSIC,
        "auth_required",
        "R6",
        (
            "0x800CCC78",
            "Verify the e-mail address in your account properties",
            "アカウントのプロパティで電子メール アドレスを確認してください",
        ),
        explanation=_(
            "Outlook's server refused the sender. Most often Outlook is not logging on to the outgoing "
            "server (SMTP AUTH is off), so the server does not know it is you."
        ),
    ),
    Entry(
        "outlook-0x80042109",
        _M.OUTLOOK_CLASSIC,
        "port25_blocked",
        "R11",
        (
            "0x80042109",
            "Outlook cannot connect to your outgoing (SMTP) e-mail server",
            "送信 (SMTP) 電子メール サーバーに接続できません",
        ),
    ),
    Entry(
        "outlook-0x8004210b",
        _M.OUTLOOK_CLASSIC,
        "connection_timeout",
        "R11",
        (
            "0x8004210B",
            "The operation timed out waiting for a response from the sending (SMTP) server",
            "送信 (SMTP) サーバーからの応答を待っている間にタイムアウトしました",
        ),
    ),
    Entry(
        "outlook-0x800ccc67",
        _M.OUTLOOK_CLASSIC,
        "rate_limited",
        None,
        ("0x800CCC67",),
        explanation=_(
            "The outgoing server answered that it is not available now (SMTP reply 421): it is busy, or it "
            "limits how often you may send."
        ),
    ),
    Entry(
        "outlook-0x800ccc6a",
        _M.OUTLOOK_CLASSIC,
        "rate_limited",
        None,
        ("0x800CCC6A",),
        explanation=_(
            "The outgoing server had a passing problem with the message (SMTP reply 451) and asked Outlook "
            "to try again later."
        ),
    ),
    Entry(
        "outlook-0x800ccc0d",
        _M.OUTLOOK_CLASSIC,
        "server_not_found",
        "R4",
        ("0x800CCC0D", "The server could not be found", "サーバーが見つかりませんでした"),
    ),
    Entry(
        "outlook-0x800ccc1a",
        _M.OUTLOOK_CLASSIC,
        "tls_failed",
        "R8",
        (
            "0x800CCC1A",
            "does not support the connection encryption type you have specified",
            ("暗号化", "サポートされていません"),
        ),
    ),
    # --- New Outlook for Windows: it sends through Microsoft's servers, not from the member's line.
    Entry(
        "outlook-new-connect",
        _M.OUTLOOK_NEW,
        "connection_timeout",
        "R8",
        ("We couldn't connect to the server", "We couldn't reach the server", "サーバーに接続できませんでした"),
        explanation=_(
            "New Outlook could not reach the outgoing server named in the account. It connects from "
            "Microsoft's servers, so check the server name and port against your provider's mail settings page."
        ),
        steps=(_OPEN, _SUBMISSION, _TEST),
    ),
    Entry(
        "outlook-new-sign-in",
        _M.OUTLOOK_NEW,
        "auth_failed",
        "R8",
        (
            "We couldn't sign in to your account",
            "Make sure your email address and password are correct",
            "アカウントにサインインできませんでした",
            "メール アドレスとパスワードが正しいことを確認してください",
        ),
    ),
    Entry(
        "outlook-new-not-sent",
        _M.OUTLOOK_NEW,
        "connection_timeout",
        "R8",
        ("This message couldn't be sent", "このメッセージを送信できませんでした"),
        general=True,
        explanation=_(
            "New Outlook could not send the message through the outgoing server of the account. Check the "
            "server name, port and log-on of the account against your provider's mail settings page."
        ),
        steps=(_OPEN, _SUBMISSION, _AUTH_ON, _TEST),
    ),
    # --- Windows の「メール」 (Mail and Calendar).
    Entry(
        "windows-mail-out-of-date",
        _M.WINDOWS_MAIL,
        "auth_failed",
        "R11",
        (
            "account settings are out-of-date",
            "account settings are out of date",
            "アカウントの設定が古くなっています",
            "アカウント設定が最新ではありません",
        ),
        title=_("“Mail” on Windows says the account settings are out of date"),
        explanation=_(
            "“Mail” could not log on with the saved user name and password, or could not reach the server "
            "with the saved settings."
        ),
    ),
    Entry(
        "windows-mail-0x8007274c",
        _M.WINDOWS_MAIL,
        "connection_timeout",
        "R11",
        ("0x8007274C",),
    ),
    Entry(
        "windows-mail-0x8007274d",
        _M.WINDOWS_MAIL,
        "port25_blocked",
        "R11",
        ("0x8007274D",),
    ),
    Entry(
        "windows-mail-0x8019019a",
        _M.WINDOWS_MAIL,
        "auth_failed",
        "R8",
        ("0x8019019A",),
        explanation=_(
            "The provider (often Yahoo!) refused the password “Mail” on Windows sent. Many providers want an "
            "app password for this program."
        ),
    ),
    # --- Thunderbird.
    Entry(
        "thunderbird-timeout",
        _M.THUNDERBIRD,
        "connection_timeout",
        "R11",
        (
            ("the connection to outgoing server (smtp)", "timed out"),
            ("送信 (SMTP) サーバー", "との接続がタイムアウトした"),
            ("送信 (SMTP) サーバー", "への接続がタイムアウトした"),
        ),
    ),
    Entry(
        "thunderbird-failed",
        _M.THUNDERBIRD,
        "port25_blocked",
        "R11",
        (
            ("connecting to outgoing server (smtp)", "failed"),
            "is refusing SMTP connections",
            ("送信 (SMTP) サーバー", "への接続に失敗"),
            "SMTP 接続を拒否しています",
        ),
    ),
    Entry(
        "thunderbird-auth",
        _M.THUNDERBIRD,
        "auth_failed",
        "R11",
        (
            ("authentication to outgoing server (smtp)", "failed"),
            ("login to server", "failed"),
            ("送信 (SMTP) サーバー", "の認証に失敗しました"),
            ("送信 (SMTP) サーバー", "へのログインに失敗しました"),
        ),
    ),
    Entry(
        "thunderbird-not-found",
        _M.THUNDERBIRD,
        "server_not_found",
        "R4",
        (
            ("outgoing server (smtp)", "could not be found"),
            ("送信 (SMTP) サーバー", "が見つかりませんでした"),
        ),
    ),
    Entry(
        "thunderbird-certificate",
        _M.THUNDERBIRD,
        "tls_failed",
        "R8",
        (
            "the certificate is not trusted",
            "Add Security Exception",
            "SEC_ERROR_UNKNOWN_ISSUER",
            "SSL_ERROR_BAD_CERT_DOMAIN",
            "SEC_ERROR_EXPIRED_CERTIFICATE",
            "証明書は信頼されません",
            "証明書は信頼されていません",
            "セキュリティ例外を承認",
        ),
    ),
    Entry(
        "thunderbird-tls-version",
        _M.THUNDERBIRD,
        "tls_version",
        "R8",
        ("SSL_ERROR_UNSUPPORTED_VERSION", "SSL_ERROR_PROTOCOL_VERSION_ALERT", "SSL_ERROR_NO_CYPHER_OVERLAP"),
    ),
    # --- Mail on iPhone / iPad.
    Entry(
        "iphone-cannot-send",
        _M.IPHONE,
        "port25_blocked",
        "R11",
        ("Cannot Send Mail", "メールを送信できません"),
        general=True,
        explanation=_(
            "The iPhone could not send the message; the text after this heading says why. On an OKBNET "
            "line the most common reason is port 25 being blocked (OP25B)."
        ),
    ),
    Entry(
        "iphone-connection",
        _M.IPHONE,
        "port25_blocked",
        "R11",
        (
            ("the connection to the outgoing server", "failed"),
            ("送信用サーバ", "への接続に失敗しました"),
        ),
    ),
    Entry(
        "iphone-recipient-rejected",
        _M.IPHONE,
        "relay_denied",
        "R11",
        ("was rejected by the server", "はサーバによって拒否されました", "はサーバーによって拒否されました"),
    ),
    Entry(
        "iphone-sender-rejected",
        _M.IPHONE,
        "sender_rejected",
        "R8",
        (
            ("the sender address", "was rejected by the server"),
            ("送信者のアドレス", "はサーバによって拒否されました"),
        ),
    ),
    Entry(
        "iphone-password",
        _M.IPHONE,
        "auth_failed",
        "R11",
        (("the user name or password for", "is incorrect"), "のユーザ名またはパスワードが正しくありません"),
    ),
    # --- Mail on a Mac.
    Entry(
        "apple-mail-cannot-send",
        _M.APPLE_MAIL,
        "port25_blocked",
        "R11",
        (
            "cannot send message using the server",
            ("サーバ", "を使用してメッセージを送信できません"),
            ("サーバ", "を使ってメッセージを送信できません"),
        ),
        explanation=_(
            "Mail on the Mac could not send through the outgoing server of the account. On an OKBNET line "
            "the most common reason is port 25 being blocked (OP25B)."
        ),
    ),
    Entry(
        "apple-mail-offline",
        _M.APPLE_MAIL,
        "connection_timeout",
        "R11",
        (("the smtp server", "is offline"), ("SMTP サーバ", "はオフラインです")),
    ),
    # --- The Gmail app on Android, with another provider's account.
    Entry(
        "gmail-app-connection",
        _M.GMAIL_ANDROID,
        "port25_blocked",
        "R11",
        ("Couldn't open connection to server", "サーバーへの接続を開けませんでした", "サーバーに接続できません"),
    ),
    Entry(
        "gmail-app-not-sent",
        _M.GMAIL_ANDROID,
        "port25_blocked",
        "R11",
        ("Couldn't send", "Sending failed", "送信できませんでした", "送信に失敗しました"),
        general=True,
        explanation=_(
            "The Gmail app left the message in the Outbox. On an OKBNET line the most common reason is "
            "port 25 being blocked (OP25B)."
        ),
    ),
    Entry(
        "gmail-app-password",
        _M.GMAIL_ANDROID,
        "auth_failed",
        "R11",
        ("Username or password is incorrect", "ユーザー名またはパスワードが正しくありません"),
    ),
    # --- Becky! Internet Mail.
    Entry(
        "becky-connection",
        _M.BECKY,
        "port25_blocked",
        "R11",
        ("SMTPサーバーへの接続に失敗しました", "SMTPサーバーに接続できません", "SMTP サーバーに接続できませんでした"),
    ),
    Entry(
        "becky-auth",
        _M.BECKY,
        "auth_failed",
        "R11",
        ("SMTP認証に失敗しました", "SMTP AUTH に失敗しました", "SMTP 認証エラー"),
    ),
    # --- The server's replies (any program shows them), and socket errors.
    Entry(
        "smtp-530-auth",
        SMTP,
        "auth_required",
        "R6",
        (
            "530 5.7.0",
            "530 5.7.57",
            "authentication required",
            "authentication is required",
            "client was not authenticated",
            "must authenticate",
            "smtp auth required",
        ),
    ),
    Entry(
        "smtp-starttls-required",
        SMTP,
        "tls_failed",
        "R8",
        ("Must issue a STARTTLS command first", "STARTTLS is required", "must use starttls"),
        explanation=_(
            "The server wants the connection encrypted before anything else, and your mail program sent "
            "without encryption."
        ),
    ),
    Entry(
        "smtp-535",
        SMTP,
        "auth_failed",
        "R11",
        (
            "535 5.7.8",
            "535 5.7.3",
            "535 5.7.0",
            "authentication credentials invalid",
            "Username and Password not accepted",
            "authentication unsuccessful",
            "authentication failed",
            "incorrect authentication data",
            "認証に失敗しました",
        ),
    ),
    Entry(
        "smtp-534-app-password",
        SMTP,
        "auth_failed",
        "R8",
        ("534 5.7.9", "Application-specific password required", "534 5.7.14", "Please log in via your web browser"),
        title=_("Your provider wants an app password"),
        explanation=_(
            "The provider (Gmail, for example) does not let mail programs log on with your usual password. "
            "It wants an app password, made for this mail program."
        ),
        steps=(
            _("Open your provider's account security page in a web browser and make an app password."),
            _("Type the app password instead of your usual password in the mail program's account settings."),
            _TEST,
        ),
    ),
    Entry(
        "smtp-550-relay",
        SMTP,
        "relay_denied",
        "R11",
        (
            "550 5.7.1",
            "relaying denied",
            "relay access denied",
            "unable to relay",
            "relay not permitted",
            "relaying not allowed",
            "relay denied",
        ),
    ),
    Entry(
        "smtp-553-sender",
        SMTP,
        "sender_rejected",
        "R8",
        ("553 5.7.1", "sender address rejected", "not owned by user", "sender rejected", "sender not allowed"),
    ),
    Entry(
        "smtp-554",
        SMTP,
        "message_rejected",
        None,
        (
            "554 5.",
            "554 transaction failed",
            "message rejected",
            "rejected as spam",
            "spam detected",
            "message content rejected",
            "message size exceeds",
            "552 5.3.4",
        ),
    ),
    Entry(
        "smtp-421",
        SMTP,
        "rate_limited",
        None,
        (
            "421 4.",
            "421 service not available",
            "too many connections",
            "too many messages",
            "try again later",
            "rate limit",
            "sending limit",
            "451 4.",
        ),
    ),
    Entry(
        "smtp-account-suspended",
        SMTP,
        "account_suspended",
        None,
        (
            "account disabled",
            "account has been disabled",
            "account has been suspended",
            "account is suspended",
            "account suspended",
            "アカウントが停止されています",
            "アカウントは停止されています",
        ),
    ),
    Entry(
        "smtp-tls-version",
        SMTP,
        "tls_version",
        "R8",
        (
            "unsupported protocol",
            "tlsv1 alert protocol version",
            "protocol version not supported",
            "no protocols available",
            "TLS 1.0 is not supported",
            "TLS 1.2 or later",
            "TLS 1.2 is required",
        ),
    ),
    Entry(
        "smtp-tls-failed",
        SMTP,
        "tls_failed",
        "R8",
        (
            "wrong version number",
            "certificate verify failed",
            "self-signed certificate",
            "self signed certificate",
            "certificate has expired",
            "hostname mismatch",
            "sslv3 alert handshake failure",
        ),
    ),
    Entry(
        "smtp-not-found",
        SMTP,
        "server_not_found",
        "R4",
        ("No such host is known", "Name or service not known", "nodename nor servname", "socket error: 11001"),
    ),
    Entry(
        "smtp-socket-10060",
        SMTP,
        "connection_timeout",
        "R11",
        ("socket error: 10060", "connection timed out", "接続がタイムアウトしました"),
    ),
    Entry(
        "smtp-socket-10061",
        SMTP,
        "port25_blocked",
        "R11",
        ("socket error: 10061", "connection refused", "接続が拒否されました"),
    ),
)

ENTRIES_BY_ID = {entry.id: entry for entry in TABLE}
CLIENT_LABELS: dict[str, Any] = {**dict(MailProgram.choices), SMTP: _("The mail server's reply")}

# --------------------------------------------------------------------------- matching

_QUOTES = str.maketrans(dict.fromkeys("“”„‟‘’\"'`「」『』", " "))
_SPACES = re.compile(r"\s+")
# A space next to a non-ASCII character: Japanese texts put them in or leave them out at will.
_CJK_SPACE = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")
_REPLY = re.compile(r"\b([2-5]\d\d)-(\d\.\d{1,3}\.\d{1,3})")  # "535-5.7.8": a multi-line reply
_CODE_ONLY = re.compile(r"[\d. -]+")


def normalise(text: str) -> str:
    """The form patterns and texts are compared in (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text[:SCAN_LIMIT]).casefold()
    text = text.translate(_QUOTES).replace("ー", "")
    text = _SPACES.sub(" ", text)
    text = _CJK_SPACE.sub("", text)
    return _REPLY.sub(r"\1 \2", text).strip()


def _display(pattern: Pattern) -> str:
    return pattern if isinstance(pattern, str) else " … ".join(pattern)


@dataclass(frozen=True)
class _Compiled:
    entry: Entry
    display: str
    fragments: tuple[str, ...]
    general: bool


def _compile() -> tuple[_Compiled, ...]:
    compiled = []
    for entry in TABLE:
        for pattern in entry.patterns:
            fragments = tuple(normalise(f) for f in ((pattern,) if isinstance(pattern, str) else pattern))
            general = entry.general or (len(fragments) == 1 and bool(_CODE_ONLY.fullmatch(fragments[0])))
            compiled.append(_Compiled(entry, _display(pattern), fragments, general))
    return tuple(compiled)


_PATTERNS = _compile()


def _word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _bounded(text: str, start: int, end: int) -> bool:
    """An ASCII word is not part of a longer one ("554" is not in "15540")."""
    if start > 0 and _word(text[start]) and _word(text[start - 1]):
        return False
    return not (end < len(text) and _word(text[end - 1]) and _word(text[end]))


def _find(text: str, fragments: tuple[str, ...]) -> tuple[int, int] | None:
    first, rest = fragments[0], fragments[1:]
    position = 0
    while (start := text.find(first, position)) >= 0:
        end = start + len(first)
        if _bounded(text, start, end):
            for fragment in rest:
                found = text.find(fragment, end, end + WINDOW + len(fragment))
                if found < 0 or not _bounded(text, found, found + len(fragment)):
                    break
                end = found + len(fragment)
            else:
                return start, end
        position = start + 1
    return None


@dataclass(frozen=True)
class Found:
    entry: Entry
    pattern: str
    start: int
    end: int
    general: bool


def find_entries(text: str, *, mail_client: str = "") -> list[Found]:
    """The entries the text matches, the most specific first (see the module's docstring)."""
    normalised = normalise(text)
    if not normalised:
        return []
    # Per entry: the first of its patterns that matched names it (entries list error numbers first);
    # the longest span it matched places it among the others.
    shown: dict[str, Found] = {}
    widest: dict[str, Found] = {}
    for compiled in _PATTERNS:
        span = _find(normalised, compiled.fragments)
        if span is None:
            continue
        found = Found(compiled.entry, compiled.display, span[0], span[1], compiled.general)
        key = compiled.entry.id
        if key not in shown or (shown[key].general and not found.general):
            shown[key] = found
        if key not in widest or (widest[key].general, widest[key].start - widest[key].end) > (
            found.general,
            found.start - found.end,
        ):
            widest[key] = found
    matches = [
        Found(w.entry, shown[key].pattern, w.start, w.end, shown[key].general and w.general)
        for key, w in widest.items()
    ]
    if any(not m.general for m in matches):
        matches = [m for m in matches if not m.general]
    matches = [
        m
        for m in matches
        if not any(
            o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
            for o in matches
        )
    ]
    order = {entry.id: index for index, entry in enumerate(TABLE)}

    def rank(m: Found) -> tuple:
        client = 0 if mail_client and m.entry.client == mail_client else 1 if m.entry.client == SMTP else 2
        return (client, m.start - m.end, order[m.entry.id])

    return sorted(matches, key=rank)


def answer_query(rule_id: str) -> dict[str, str]:
    """Quick-check answers that lead to `rule_id`, read from the rule's own conditions (op25b.TABLE):
    the link from a diagnosis to the settings to type."""
    rule = op25b.RULES_BY_ID[rule_id]
    answers = {"ip_type": op25b.IpType.DYNAMIC}
    for name, accepted in rule.when.items():
        value = sorted(accepted, key=lambda v: (v is None, str(v)))[0]
        answers[name] = "unknown" if value is None else str(value)
    return answers


def answer_url(rule_id: str | None) -> str:
    if rule_id is None:
        return ""
    return f"{reverse('check')}?{urlencode(answer_query(rule_id))}"


def for_page(result: dict[str, Any]) -> dict[str, Any]:
    """The diagnosis with what a page adds: the program's name and the link to the settings to type."""
    matches = [
        {**m, "client_label": str(CLIENT_LABELS[m["client"]]), "answer_url": answer_url(m["rule"])}
        for m in result["matches"]
    ]
    return {**result, "matches": matches}


def not_recognised_text() -> str:
    return str(
        _(
            "We could not recognise this message. Run the quick check with your settings, or call the OKBNET "
            "support center (%(phone)s): we will read the message with you."
        )
    ) % {"phone": settings.OKBNET_SUPPORT_PHONE}


def diagnose(text: str, *, mail_client: str = "") -> dict[str, Any]:
    """The diagnosis of DESIGN §7b, texts in the active language. Never raises on any text."""
    matches = []
    seen = set()
    for found in find_entries(text, mail_client=mail_client):
        entry = found.entry
        texts = entry.texts
        key = (entry.cause, entry.rule, id(texts.title), id(texts.explanation))
        if key in seen:
            continue
        seen.add(key)
        matches.append(
            {
                "cause": entry.cause,
                "rule": entry.rule,
                "client": str(entry.client),
                "pattern": found.pattern,
                "title": str(texts.title),
                "explanation": str(texts.explanation),
                "steps": [str(step) for step in texts.steps],
            }
        )
        if len(matches) == MAX_MATCHES:
            break
    if not matches:
        return {"recognised": False, "matches": [], "detail": not_recognised_text()}
    return {"recognised": True, "matches": matches}


def clean_text(data: Mapping[str, Any]) -> tuple[str, str]:
    """Validate the decoder's inputs (API body, the pages' form): (error_text, mail_client).
    Raises InvalidInput with field errors, the one validator of both."""
    errors: dict[str, list[str]] = {}
    text = data.get("error_text")
    if text is None or (isinstance(text, str) and not text.strip()):
        errors["error_text"] = [str(_("Paste the error message your mail program shows."))]
    elif not isinstance(text, str):
        errors["error_text"] = [str(_("Send the error message as text."))]
    elif len(text) > MAX_CHARS:
        errors["error_text"] = [
            str(_("The message is too long: paste at most %(limit)s characters.")) % {"limit": f"{MAX_CHARS:,}"}
        ]
    elif "\x00" in text:
        errors["error_text"] = [str(_("The message contains characters that are not text."))]
    client = data.get("mail_client", "")
    if not isinstance(client, str) or (client and client not in MailProgram.values):
        errors["mail_client"] = [str(_("“%(value)s” is not a valid choice.") % {"value": client})]
    if errors:
        raise InvalidInput(errors)
    return text, client
