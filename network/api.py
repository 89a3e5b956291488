"""The dynamic ranges for carriers' scripts: public (the same list as /network/dynamic-ranges.txt)."""

import json

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.views import APIView

from okbnet_portal.api.schema import header

from .views import conditional_ranges


class RangeSerializer(serializers.Serializer):
    cidr = serializers.CharField()
    ip_version = serializers.IntegerField()


RESPONSE_HEADERS = [
    OpenApiParameter("ETag", str, OpenApiParameter.HEADER, response=[200, 304], description="The version of the list."),
    OpenApiParameter(
        "Last-Modified",
        str,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="When the list last changed (an HTTP date).",
    ),
    OpenApiParameter(
        "Cache-Control", str, OpenApiParameter.HEADER, response=[200, 304], description="`public, max-age=…`."
    ),
]


class DynamicRangesView(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="dynamic_ranges_retrieve",
        tags=["dynamic-ranges"],
        auth=[],
        parameters=[
            header("If-None-Match", "The `ETag` of the list you have: a 304 when it is still current."),
            header("If-Modified-Since", "The `Last-Modified` of the list you have (an HTTP date)."),
            *RESPONSE_HEADERS,
        ],
        examples=[
            OpenApiExample(
                "Two ranges",
                value={
                    "generated_at": "2026-11-28T10:15:00+09:00",
                    "count": 2,
                    "ranges": [
                        {"cidr": "198.51.100.0/24", "ip_version": 4},
                        {"cidr": "2001:db8::/48", "ip_version": 6},
                    ],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
        summary="OKBNET's dynamic IP ranges",
        description=(
            "The dynamic (OP25B) ranges, adjacent ranges collapsed, IPv4 then IPv6. Public. Send "
            "`If-None-Match` with the last `ETag` (or `If-Modified-Since`) to get a 304 when nothing changed."
        ),
        responses={
            200: inline_serializer(
                "DynamicRanges",
                {
                    "generated_at": serializers.DateTimeField(),
                    "count": serializers.IntegerField(),
                    "ranges": RangeSerializer(many=True),
                },
            ),
            # 304: no body.
            304: OpenApiResponse(description="Not modified since the given ETag or date."),
        },
    )
    def get(self, request):
        def body(published):
            return json.dumps(
                {
                    "generated_at": published.changed_at.isoformat(),
                    "count": len(published.networks),
                    "ranges": [{"cidr": str(n), "ip_version": n.version} for n in published.networks],
                }
            )

        return conditional_ranges(request, representation="json", render_body=body, content_type="application/json")
