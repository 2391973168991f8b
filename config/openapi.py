"""OpenAPI schema hooks (drf-spectacular)."""


def public_api_only(endpoints, **kwargs):
    """Describe /api/v1/ only: Wagtail's admin endpoints are internal to the admin."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
