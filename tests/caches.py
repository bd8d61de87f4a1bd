"""A cache of one's own for a test (or one hypothesis example)."""
import uuid
from typing import Any


def own_caches(caches: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``CACHES`` with a fresh key prefix for every cache. Set it as the setting (Django recreates the
    cache connections when CACHES changes): nothing stored before is seen, and, unlike
    ``cache.clear()``, nothing is flushed under a parallel test process sharing the Redis cache."""
    return {name: {**options, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for name, options in caches.items()}
