from vroegsignalering.common.navigation import navigation_flags


def navigation(request):
    """What the main menu offers this user (the flags the apps registered: common/navigation.py)."""
    return navigation_flags(getattr(request, "user", None))
