from collections.abc import Sequence

from django.db.models import QuerySet
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

    def paginate_queryset(self, queryset, request, view=None):
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
