"""Custom admin pages of the retention workflows (registered by retention/wagtail_hooks.py)."""
