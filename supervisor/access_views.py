"""/access-log/: supervisors only (agents get a 404). Thin: parse the filters, read, render or stream the CSV."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import staff_required
from supervisor import access_log
from supervisor.exports import FORMULA_STARTS
from supervisor.paging import capped_page

PAGE_SIZE = 50
COUNT_CAP = 10_000


@staff_required(supervisor=True)
def access_log_page(request):
    form = access_log.AccessFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = access_log.accesses(filters)
    if request.GET.get("format") == "csv":
        return _csv(rows)
    page = capped_page(rows, request.GET.get("page"), per_page=PAGE_SIZE, cap=COUNT_CAP)
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(
        request,
        "supervisor/access_log.html",
        {
            "nav": "access_log",
            "form": form,
            "page": page,
            "summary": access_log.summary(filters),
            "query": query.urlencode(),
            "csv_query": csv_query.urlencode(),
        },
    )


class _Echo:
    """csv.writer's file: hands each formatted line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text  # a customer's name could be a formula


def _csv(rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    lines = (writer.writerow([_cell(value) for value in row]) for row in access_log.csv_rows(rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
