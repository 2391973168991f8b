"""Login required everywhere, except the pages that let a person sign in."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

# Wagtail's own sign-in and password-reset views carry no login_not_required mark.
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.url_name if match else None
        if name in OPEN_URL_NAMES or (match and match.view_name in OPEN_URL_NAMES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
