from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.forms import OrganizerApplicationForm, ProfileForm
from accounts.models import OrganizerApplication
from pika import submit_once


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


@login_required
def profile(request):
    """The dancer's own page: display name, password, sign out, and how many songs they liked."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
        status = 400
    else:
        status = 200
    # `likes` is the crate app's relation onto the user: counted without importing crate.
    context = {"form": form, "like_count": request.user.likes.count()}
    return render(request, "accounts/profile.html", context, status=status)
