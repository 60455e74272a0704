"""What every console list shares: filters (django-filter), sorting by a whitelisted key,
pagination and CSV export of the filtered rows."""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

CSV_ROW_LIMIT = 50_000


@dataclass
class Listing:
    page: Page
    filterset: object | None
    sort: str
    sorts: dict[str, str]
    params: dict[str, str]
    rows: QuerySet  # every filtered, sorted row: for the CSV export

    @property
    def query(self) -> str:
        """The list's parameters without the page number, to build page links."""
        return urlencode({key: value for key, value in self.params.items() if key != "page"})

    def querystring_for_sort(self, key: str) -> str:
        descending = f"-{key}"
        params = {k: v for k, v in self.params.items() if k not in ("page", "sort")}
        params["sort"] = descending if self.sort == key else key
        return urlencode(params)

    def sort_state(self, key: str) -> str:
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return ""


def list_page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    sorts: dict[str, str],
    default_sort: str,
    filterset_class=None,
    per_page: int = 25,
) -> Listing:
    """Filter, sort and paginate `queryset` from the request's query string.

    `sorts` maps the public sort keys to model fields; `?sort=-key` sorts descending.
    Unknown sort keys fall back to `default_sort`; out-of-range pages show the last page.
    Invalid filter values are shown as form errors by the FilterSet and filter nothing."""
    params = {key: value for key, value in request.GET.items() if key != "format"}
    filterset = None
    if filterset_class is not None:
        filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
        if filterset.is_bound and not filterset.is_valid():
            queryset = queryset.none()
        else:
            queryset = filterset.qs
    sort = params.get("sort", default_sort)
    field = sorts.get(sort.removeprefix("-"))
    if field is None:
        sort = default_sort
        field = sorts[sort.removeprefix("-")]
    direction = "-" if sort.startswith("-") else ""
    queryset = queryset.order_by(f"{direction}{field}", f"{direction}pk")
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(params.get("page"))
    return Listing(
        page=page, filterset=filterset, sort=sort, sorts=sorts, params=params, rows=queryset
    )


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """Stream `rows` as a CSV download (UTF-8 with BOM, so spreadsheets read accents)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([str(cell) for cell in header])
        for count, row in enumerate(rows):
            if count >= CSV_ROW_LIMIT:
                break
            yield writer.writerow(["" if cell is None else str(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
