from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import op25b, services
from .forms import QuickCheckForm


@require_GET
def home(request):
    return render(request, "mailsettings/home.html", {"table": op25b.TABLE})


@require_GET
def check(request):
    """The quick check: anyone, no login. A GET form, so a result can be bookmarked or shared."""
    submitted = any(name in request.GET for name in QuickCheckForm.base_fields)
    form = QuickCheckForm(request.GET if submitted else None)
    verdict = None
    if submitted and form.is_valid():
        verdict = services.verdict_for(form.inputs)
    return render(
        request,
        "mailsettings/check.html",
        {"form": form, "verdict": verdict, "table": op25b.TABLE},
        status=400 if submitted and not form.is_valid() else 200,
    )
