from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from okbnet_portal.api.schema import WRITE_ERRORS, error_responses
from okbnet_portal.errors import InvalidInput

from . import diagnose, op25b, services
from .models import MailProgram

# A host or domain name with at least one dot (op25b.clean_inputs checks it; the schema says it).
# The lookahead states the length (at most 253 characters and a final dot). No separate maxLength:
# the two together made schema-driven clients (schemathesis) search for a 254-character match by
# rejection, 20 CPU-seconds of the suite.
HOST_PATTERN = r"^$|^(?=.{1,253}\.?$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$"


@extend_schema_field({"type": "string", "pattern": HOST_PATTERN, "nullable": True})
class HostNameField(serializers.CharField):
    pass


class VerdictInputSerializer(serializers.Serializer):
    """Documents the input (DESIGN §7). Validation itself is op25b.clean_inputs(), the one validator
    shared with the quick-check form; a DRF serializer here would only repeat it, slower."""

    ip_type = serializers.ChoiceField(choices=op25b.IpType.choices, help_text="From the member's plan.")
    sending_via = serializers.ChoiceField(choices=op25b.SendingVia.choices)
    port = serializers.ChoiceField(
        choices=[(p, str(p)) for p in op25b.PORTS],
        allow_null=True,
        required=False,
        help_text="The outgoing port; null = unknown. Required for okbnet, other_provider and own_server.",
    )
    provider_submission = serializers.ChoiceField(
        choices=op25b.ProviderSubmission.choices,
        default=op25b.ProviderSubmission.UNKNOWN,
        allow_null=True,
        help_text="Whether the other provider accepts submission ports (null: unknown).",
    )
    okbnet_address = serializers.EmailField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=254,
        help_text=(
            "Decides the gateway host: gw.okbnet.ne.jp, or gw.<own domain> for own domains OKBNET hosts "
            "(the registry). An address on any other domain is a 400 with a field error on okbnet_address. "
            "Empty or null: @okbnet.ne.jp."
        ),
    )
    provider_host = HostNameField(
        required=False, allow_blank=True, allow_null=True, help_text="Empty or null: unknown."
    )
    provider_domain = HostNameField(
        required=False, allow_blank=True, allow_null=True, help_text="Empty or null: unknown."
    )
    mail_client = serializers.ChoiceField(
        choices=MailProgram.choices,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Optional: the member's mail program (picks the per-program guide on the pages). Empty or null: none.",
    )
    wait = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "true: when the provider's DNS check or submission probe is running, wait for it up to "
            "3 seconds before answering. false (default): answer at once with what is known."
        ),
    )


class ServerSettingsSerializer(serializers.Serializer):
    host = serializers.CharField(allow_null=True)
    port = serializers.IntegerField()
    security = serializers.ChoiceField(choices=op25b.Security.choices)
    auth = serializers.BooleanField()
    username = serializers.CharField()


class VerdictSerializer(serializers.Serializer):
    """Documentation of the verdict object (DESIGN §7); the view returns op25b's dict as is."""

    verdict = serializers.CharField()
    rule = serializers.ChoiceField(choices=[(r.id, r.id) for r in op25b.TABLE])
    affected = serializers.BooleanField(allow_null=True)
    action_required = serializers.BooleanField()
    plan_change_required = serializers.BooleanField()
    title = serializers.CharField()
    explanation = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    settings = ServerSettingsSerializer(allow_null=True)
    alternatives = ServerSettingsSerializer(many=True)
    provider_submission = serializers.ChoiceField(choices=op25b.ProviderSubmission.choices)
    provider_submission_source = serializers.ChoiceField(
        choices=op25b.SOURCES,
        allow_null=True,
        help_text=(
            "Where provider_submission came from: the member, the provider's DNS (SRV records), "
            "OKBNET's catalogue, or the submission probe. null: nothing is known (yet)."
        ),
    )
    provider_submission_pending = serializers.BooleanField(
        help_text=(
            "A DNS check or submission probe of the provider is running: ask again in a few seconds "
            '(or send "wait": true) for a verdict that may change (R10 to R8, R9 or R11).'
        )
    )


_GATEWAY = {"host": "gw.okbnet.ne.jp", "auth": True, "username": "taro@okbnet.ne.jp"}
VERDICT_EXAMPLE = {
    "verdict": "affected_use_okbnet_gateway",
    "rule": "R11",
    "affected": True,
    "action_required": True,
    "plan_change_required": False,
    "title": "OKBNET のメールサーバー（ゲートウェイ）経由で送信してください",
    "explanation": "お使いのプロバイダーは 587 番ポートに対応していません。",
    "steps": ["送信（SMTP）サーバーを gw.okbnet.ne.jp にします。", "ポート番号を 587 にします。"],
    "settings": {**_GATEWAY, "port": 587, "security": "starttls"},
    "alternatives": [{**_GATEWAY, "port": 465, "security": "ssl"}],
    "provider_submission": "none",
    "provider_submission_source": "member",
    "provider_submission_pending": False,
}


class VerdictView(APIView):
    required_scopes = {"POST": "read"}  # computes an answer, writes nothing
    throttle_scope = "verdict"

    @extend_schema(
        operation_id="op25b_verdict",
        summary="OP25B verdict for a mail setup",
        description=(
            "Runs the quick-reference table (対象者早見表) on the inputs and returns the verdict, "
            "the settings to type and the steps, in the request's language (`Accept-Language`). "
            "When provider_submission is unknown, what is already known about the provider is used "
            "(its DNS, the catalogue, the submission probe); look-ups not yet made are started in a "
            'worker and `provider_submission_pending` is true. With `"wait": true` the answer waits '
            "for them up to 3 seconds."
        ),
        request=VerdictInputSerializer,
        responses={200: VerdictSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[
            OpenApiExample(
                "Another provider on port 25 without submission",
                request_only=True,
                value={
                    "ip_type": "dynamic",
                    "sending_via": "other_provider",
                    "port": 25,
                    "provider_submission": "none",
                    "okbnet_address": "taro@okbnet.ne.jp",
                },
            ),
            OpenApiExample("Use the OKBNET gateway", response_only=True, value=VERDICT_EXAMPLE),
        ],
        tags=["op25b"],
    )
    def post(self, request):
        if not isinstance(request.data, Mapping):
            raise ParseError(_("Send a JSON object with the fields of the verdict input."))
        port = request.data.get("port")
        if port is not None and (isinstance(port, bool) or not isinstance(port, int)):
            # JSON is typed: the port is a number or null (the form's "587" and "unknown" are the form's).
            raise InvalidInput({"port": [str(_("Choose 25, 465, 587 or null (unknown)."))]})
        data = dict(request.data)
        wait = data.pop("wait", False)
        if not isinstance(wait, bool):
            raise InvalidInput({"wait": [str(_("Send true or false."))]})
        verdict, _facts = services.verdict_give(
            data,
            counted=True,
            client=request.META.get("REMOTE_ADDR", ""),
            wait=services.PROVIDER_WAIT_MAX if wait else 0.0,
        )
        return Response(verdict)


class DiagnoseInputSerializer(serializers.Serializer):
    """Documents the input (DESIGN §7b). Validation itself is diagnose.clean_text(), the one validator
    shared with the pages' form."""

    error_text = serializers.CharField(
        min_length=1,
        max_length=diagnose.MAX_CHARS,
        help_text="The error message as the mail program (or the server's reply) shows it, pasted as is.",
    )
    mail_client = serializers.ChoiceField(
        choices=MailProgram.choices,
        required=False,
        allow_blank=True,
        help_text="Optional: the member's mail program; its own messages come first.",
    )


class DiagnosisMatchSerializer(serializers.Serializer):
    cause = serializers.ChoiceField(choices=[(c, c) for c in diagnose.CAUSES])
    rule = serializers.ChoiceField(
        choices=[(r.id, r.id) for r in op25b.TABLE],
        allow_null=True,
        help_text="The row of the quick-reference table whose settings cure it; null when the cure is not a "
        "setting (a busy server, a stopped account, a refused message). For the tool, not to be read out.",
    )
    client = serializers.ChoiceField(
        choices=[(c, c) for c in diagnose.CLIENTS],
        help_text="The program that shows this text; `smtp`: a mail server's reply, whichever program shows it.",
    )
    pattern = serializers.CharField(help_text="The words of the message that were recognised.")
    title = serializers.CharField()
    explanation = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())


class DiagnosisSerializer(serializers.Serializer):
    """Documentation of the diagnosis (DESIGN §7b); the view returns diagnose's dict as is."""

    recognised = serializers.BooleanField()
    matches = DiagnosisMatchSerializer(many=True, help_text="The most specific first; empty when not recognised.")
    detail = serializers.CharField(required=False, help_text="When not recognised: the next step, for a person.")


DIAGNOSIS_EXAMPLE = {
    "recognised": True,
    "matches": [
        {
            "cause": "port25_blocked",
            "rule": "R11",
            "client": "outlook_classic",
            "pattern": "0x800CCC0E",
            "title": "メールソフトが送信サーバーにつながりません",
            "explanation": (
                "メールソフトが 25 番ポートで送信しようとしました。OKBNET の動的 IP の回線では、他社のサーバーへの "
                "25 番ポートは止められている（OP25B）ため、メールはお使いの機器から出ていません。"
            ),
            "steps": [
                "メールソフトの送信サーバー（SMTP）の設定を開きます。",
                "ポート番号を見ます。25 になっていたら 587 に変え、暗号化を STARTTLS にし、"
                "「送信サーバーは認証が必要」をオンにします。",
                "プロバイダーが 587 番ポートに対応していない場合は、代わりに OKBNET のゲートウェイ経由で送信します。"
                "入力する内容は下の回答ページに出ています。",
                "メールソフトを再起動し、自分宛てにテストメールを送ります。",
            ],
        }
    ],
}
NOT_RECOGNISED_EXAMPLE = {
    "recognised": False,
    "matches": [],
    "detail": (
        "このメッセージは判別できませんでした。お使いの設定で簡易チェックをお試しいただくか、OKBNET サポート"
        "センター（0120-25-0587）にお電話ください。メッセージを一緒に確認します。"
    ),
}


class DiagnoseView(APIView):
    required_scopes = {"POST": "read"}  # computes an answer, writes nothing
    throttle_scope = "verdict"

    @extend_schema(
        operation_id="op25b_diagnose",
        summary="What a mail program's error message means",
        description=(
            "Recognises the error message a member's mail program (or mail server) shows and returns its "
            "cause, the row of the quick-reference table that cures it and the steps, in the request's "
            "language (`Accept-Language`). Unknown text is `recognised: false` with the next step in "
            "`detail`, never a guess. Empty or longer than 10,000 characters: a field error."
        ),
        request=DiagnoseInputSerializer,
        responses={200: DiagnosisSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[
            OpenApiExample(
                "Outlook's 0x800CCC0E",
                request_only=True,
                value={
                    "error_text": "エラー (0x800CCC0E): サーバーへの接続に失敗しました。",
                    "mail_client": "outlook_classic",
                },
            ),
            OpenApiExample("Port 25 is blocked", response_only=True, value=DIAGNOSIS_EXAMPLE),
            OpenApiExample("Not recognised", response_only=True, value=NOT_RECOGNISED_EXAMPLE),
        ],
        tags=["op25b"],
    )
    def post(self, request):
        if not isinstance(request.data, Mapping):
            raise ParseError(_("Send a JSON object with the fields of the diagnosis input."))
        text, mail_client = diagnose.clean_text(request.data)
        return Response(diagnose.diagnose(text, mail_client=mail_client))
