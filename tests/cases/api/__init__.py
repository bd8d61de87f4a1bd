"""The municipal API's tests; ``API`` is its base path."""

API = "/api/v1/gemeente"
