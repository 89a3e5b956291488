import csv
import io

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from okbnet_portal.decorators import staff_required

from . import selectors, services
from .forms import AddressAtForm, SessionLogForm
from .models import SessionImport
from .ranges import ranges_text

RANGES_MAX_AGE = 300  # carriers may poll every few minutes; a conditional GET costs one query
RANGES_BODY_CACHE_SECONDS = 86400  # a rendered list, keyed by its digest and date: never stale


def conditional_ranges(request, *, representation: str, render_body, content_type: str):
    """Serve one representation of the published ranges with ETag/Last-Modified and 304s."""
    published = selectors.published_ranges()
    etag = f'"{published.digest}-{representation}"'
    last_modified = int(published.changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        key = f"network:dynamic-ranges:{published.digest}:{last_modified}:{representation}"
        body = cache.get_or_set(key, lambda: render_body(published), timeout=RANGES_BODY_CACHE_SECONDS)
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=RANGES_MAX_AGE)
    return response


@require_GET
def dynamic_ranges_text(request):
    """For mobile carriers: one CIDR a line, adjacent ranges collapsed, IPv4 then IPv6."""
    return conditional_ranges(
        request,
        representation="txt",
        render_body=lambda p: ranges_text(p.networks, generated_at=p.changed_at),
        content_type="text/plain; charset=utf-8",
    )


def _ranges_csv(published) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["cidr", "ip_version", "first_address", "last_address"])
    for net in published.networks:
        writer.writerow([net, net.version, net.network_address, net.broadcast_address])
    return out.getvalue()


@require_GET
def dynamic_ranges_csv(request):
    response = conditional_ranges(
        request, representation="csv", render_body=_ranges_csv, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="okbnet-dynamic-ranges.csv"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def session_import(request):
    """Staff upload the RADIUS accounting log; a worker imports it (the next page shows progress)."""
    form = SessionLogForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        log = form.cleaned_data["log"]
        batch = services.session_log_submit(data=log.read(), filename=log.name, by=request.user)
        return redirect("network:session-import-detail", pk=batch.pk)
    imports = SessionImport.objects.select_related("created_by").defer("errors")[:20]
    return render(
        request,
        "network/session_import.html",
        {"form": form, "imports": imports},
        status=400 if request.method == "POST" else 200,
    )


def _import_progress(batch: SessionImport, request=None) -> dict:
    payload = {
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "rows_done": batch.rows_done,
        "total_rows": batch.total_rows,
        "rows": batch.rows,
        "finished": batch.finished,
    }
    if request is not None and batch.finished:
        payload["result_html"] = render_to_string(
            "network/_session_import_result.html", {"batch": batch, "errors": _errors(batch)}, request=request
        )
    return payload


def _errors(batch: SessionImport) -> list:
    return [services.RowError.from_json(item) for item in batch.errors]


@staff_required
@require_GET
def session_import_detail(request, pk: int):
    """One import: its progress while a worker runs it (updates itself), then the result."""
    batch = get_object_or_404(SessionImport.objects.select_related("created_by"), pk=pk)
    if request.headers.get("Accept", "").startswith("application/json"):
        response = JsonResponse(_import_progress(batch, request))
        patch_cache_control(response, private=True, no_store=True)
        return response
    return render(request, "network/session_import_detail.html", {"batch": batch, "errors": _errors(batch)})


@staff_required
@require_GET
def address_lookup(request):
    """Who held an address at a moment (the first step of every abuse report)."""
    submitted = "address" in request.GET
    form = AddressAtForm(request.GET if submitted else None)
    holder = None
    if submitted and form.is_valid():
        holder = selectors.address_holder(address=form.cleaned_data["address"], at=form.cleaned_data["at"])
    return render(
        request,
        "network/address_lookup.html",
        {"form": form, "holder": holder, "searched": submitted and form.is_valid()},
        status=400 if submitted and not form.is_valid() else 200,
    )


@staff_required
@require_POST
def spf_check(request):
    """Queue a check of OKBNET's published SPF (DNS runs in the worker, not in this request)."""
    services.spf_status_request_refresh()
    messages.info(request, _("The published SPF is being checked: reload the dashboard in a few seconds."))
    return redirect("staff-dashboard")
