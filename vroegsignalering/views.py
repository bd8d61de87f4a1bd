"""Site-wide pages: the start page (login and logout are Django's views, in vroegsignalering/urls.py)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The start page; the menu flags (``can_import_signals``) come from the navigation context processor."""
    return render(request, "home.html")
