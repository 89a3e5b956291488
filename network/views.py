from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from okbnet_portal.staff import staff_required

from . import selectors, services
from .forms import AddressAtForm, SessionLogForm
from .models import SessionImport


@staff_required
@require_http_methods(["GET", "POST"])
def session_import(request):
    """Staff upload the RADIUS accounting log; a bad file is refused as a whole with its bad lines."""
    form = SessionLogForm(request.POST or None, request.FILES or None)
    errors = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            log = form.cleaned_data["log"]
            try:
                batch = services.session_log_import(data=log.read(), filename=log.name, by=request.user)
            except services.SessionLogInvalid as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("Imported %(rows)d sessions from %(file)s.") % {"rows": batch.rows, "file": batch.filename},
                )
                return redirect("network:session-import")
        status = 400
    imports = SessionImport.objects.select_related("created_by")[:20]
    return render(
        request, "network/session_import.html", {"form": form, "errors": errors, "imports": imports}, status=status
    )


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
