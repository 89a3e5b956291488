from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class _FirstPage(Sequence):
    """The rows of page 1 already fetched, and the total: what Django's Paginator asks of a list."""

    def __init__(self, rows: list, total: int):
        self.rows, self.total = rows, total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.rows[index]

    def count(self) -> int:
        return self.total


def first_page(queryset: QuerySet, page_size: int) -> _FirstPage:
    """Page 1 in one query when it holds everything; with a COUNT only when there is more."""
    rows = list(queryset[: page_size + 1])
    total = len(rows) if len(rows) <= page_size else queryset.count()
    return _FirstPage(rows[:page_size], total)


class Pagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; `?page=` and `?page_size=` (at most 100).

    Page 1 (what searches mostly show) fetches one row more than the page: when they all fit,
    the count is known without a COUNT query.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def _bounded(self, request, name: str, maximum: int | None) -> None:
        """`page` and `page_size` are whole numbers from 1 (page_size at most 100): else a field error,
        as the schema says (DRF would silently fall back to a default)."""
        raw = request.query_params.get(name)
        if raw is None:
            return
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
            if maximum is None:
                message = gettext("Send a whole number from 1.")
            else:
                message = gettext("Send a whole number from 1 to %(max)d.") % {"max": maximum}
            raise ValidationError({name: [message]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = f"Results per page, 1 to {self.max_page_size} (default {self.page_size})."
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        self._bounded(request, self.page_query_param, None)
        self._bounded(request, self.page_size_query_param, self.max_page_size)
        page_size = self.get_page_size(request)
        if (
            page_size
            and isinstance(queryset, QuerySet)
            and request.query_params.get(self.page_query_param)
            in (
                None,
                "1",
            )
        ):
            queryset = first_page(queryset, page_size)
        return super().paginate_queryset(queryset, request, view)
