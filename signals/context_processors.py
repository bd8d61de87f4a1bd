from accounts.permissions import can_import_signals, reviews_fallout


def navigation(request):
    """What the main menu offers this user."""
    user = getattr(request, "user", None)
    return {
        "can_import_signals": user is not None and can_import_signals(user),
        "can_review_fallout": user is not None and reviews_fallout(user),
    }
