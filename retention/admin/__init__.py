"""The retention workflows' own admin pages (the viewsets are in ``retention.wagtail_hooks``)."""
