import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users need a password, not a slow hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
