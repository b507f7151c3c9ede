from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import agent_wheel
from accounts.forms import OrganizerApplicationForm, TokenForm
from accounts.models import ApiToken, OrganizerApplication
from pika import submit_once


def token_for_owner(user, pk):
    return get_object_or_404(ApiToken, pk=pk, user=user)


def _tokens_response(request, form, new_secret=None, status=200):
    context = {"tokens": request.user.api_tokens.all(), "token_form": form, "new_secret": new_secret}
    if new_secret:
        context["install_line"] = agent_wheel.install_line(settings.PIKA_BASE_URL, new_secret)
    if request.htmx:
        return render(request, "stages/dashboard.html#tokens", context, status=status)
    if new_secret:
        # Without JavaScript the secret still shows once, on its own page.
        return render(request, "accounts/token_created.html", context)
    return redirect("stages:dashboard")


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_response(request, form, status=400)
    if not submit_once.first_submit(request):
        return _tokens_response(request, TokenForm())
    _, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
    return _tokens_response(request, TokenForm(), new_secret=secret)


@login_required
@require_POST
def revoke_token(request, pk):
    token_for_owner(request.user, pk).revoke()
    return _tokens_response(request, TokenForm())


@login_required
def organizer_apply(request):
    """Apply to become an organizer, and see where the application stands."""
    application = request.user.latest_organizer_application()
    can_apply = application is None or application.status == OrganizerApplication.Status.REJECTED
    form = OrganizerApplicationForm(initial={"name": request.user.display_name})
    status = 200
    if request.method == "POST" and can_apply:
        form = OrganizerApplicationForm(request.POST)
        if form.is_valid():
            if submit_once.first_submit(request):
                form.instance.user = request.user
                form.save()
                messages.success(request, "Thanks! We'll email you when your application has been reviewed.")
            return redirect("accounts:organizer-apply")
        status = 400
    elif request.method == "POST":
        return redirect("accounts:organizer-apply")
    return render(request, "accounts/organizer_apply.html", {
        "application": application, "can_apply": can_apply, "form": form,
    }, status=status)


def agent_download(request, filename):
    """The pika-dj agent's wheel, at a stable address for its version (public: it holds
    no secret, and a DJ installs it from a terminal without signing in)."""
    if filename != agent_wheel.wheel_name():
        raise Http404
    return FileResponse(open(agent_wheel.wheel_path(), "rb"), as_attachment=True, filename=filename,
                        content_type="application/octet-stream")
