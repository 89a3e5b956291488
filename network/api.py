"""The dynamic ranges for carriers' scripts: public (the same list as /network/dynamic-ranges.txt)."""

import json

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.views import APIView

from .views import conditional_ranges


class RangeSerializer(serializers.Serializer):
    cidr = serializers.CharField()
    ip_version = serializers.IntegerField()


class DynamicRangesView(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
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
