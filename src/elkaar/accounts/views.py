"""Pages about people: profiles, "mijn elkaar", API tokens."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from elkaar.accounts.models import User


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/mine.html", {})


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk, is_active=True)
    return render(request, "accounts/profile.html", {"person": person})
