from collections.abc import Mapping

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from okbnet_portal.api.schema import error_responses

from . import op25b, services
from .models import MailProgram


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
        help_text="Whether the other provider accepts submission ports.",
    )
    okbnet_address = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=254,
        help_text=(
            "Decides the gateway host: gw.okbnet.ne.jp, or gw.<own domain> for own domains OKBNET hosts "
            "(the registry). An address on any other domain is a 400 with a field error on okbnet_address."
        ),
    )
    provider_host = serializers.CharField(required=False, allow_blank=True, max_length=253)
    provider_domain = serializers.CharField(required=False, allow_blank=True, max_length=253)
    mail_client = serializers.ChoiceField(
        choices=MailProgram.choices,
        required=False,
        allow_blank=True,
        help_text="Optional: the member's mail program (picks the per-program guide on the pages).",
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
    provider_submission_source = serializers.ChoiceField(choices=["member", "dns", "catalogue"], allow_null=True)


class VerdictView(APIView):
    required_scopes = {"POST": "read"}  # computes an answer, writes nothing
    throttle_scope = "verdict"

    @extend_schema(
        operation_id="op25b_verdict",
        summary="OP25B verdict for a mail setup",
        description=(
            "Runs the quick-reference table (対象者早見表) on the inputs and returns the verdict, "
            "the settings to type and the steps, in the request's language (`Accept-Language`)."
        ),
        request=VerdictInputSerializer,
        responses={200: VerdictSerializer, **error_responses(400, 401, 403, 429)},
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
        ],
        tags=["op25b"],
    )
    def post(self, request):
        if not isinstance(request.data, Mapping):
            raise ParseError("Send a JSON object with the fields of the verdict input.")
        verdict, _facts = services.verdict_give(request.data, counted=True)
        return Response(verdict)
