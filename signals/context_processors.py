from .csv_selectors import user_can_import
from .selectors import user_reviews_fallout


def navigation(request):
    """What the main menu offers this user."""
    user = getattr(request, "user", None)
    return {
        "can_import_signals": user is not None and user_can_import(user),
        "can_review_fallout": user is not None and user_reviews_fallout(user),
    }
