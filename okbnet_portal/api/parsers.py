"""The API's JSON parser: a bounded nesting depth and body size, so that a hostile body is a 400
with the error shape, never a RecursionError (in the parser, the idempotency fingerprint or a
serializer) or Django's HTML page."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No input of the API nests deeper than 3; 32 leaves room and keeps every later walk shallow.
MAX_DEPTH = 32


def nesting_depth(value) -> int:
    """The depth of nested lists and objects, without recursion (0 for a scalar)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and length and length.isdigit() and int(length) > limit:
            raise ParseError(gettext("The body is larger than %(limit)d bytes.") % {"limit": limit})
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = nesting_depth(data) > MAX_DEPTH
        if too_deep:
            raise ParseError(gettext("The JSON nests deeper than %(max)d levels.") % {"max": MAX_DEPTH})
        return data
