"""The admin's account menu names the signed-in officer as every screen names people.

Wagtail's sidebar shows the user's first name alone (芳 for 王芳) or the user name
(``wang.fang``); officers are shown by their full name in Chinese order everywhere
else (``kernel.names.person_name``). Wagtail builds the menu's props in
``MainMenuModule.js_args`` with no hook to change the name, so the method is
wrapped once at start.
"""

from __future__ import annotations

from functools import wraps

from kernel.names import person_name


def name_people_in_the_account_menu() -> None:
    """Make the sidebar's account menu show ``person_name(user)``."""
    from wagtail.admin.ui.sidebar import MainMenuModule

    original = MainMenuModule.js_args
    if getattr(original, "_archive_person_name", False):
        return

    @wraps(original)
    def js_args(self):
        args = original(self)
        args[2] = {**args[2], "name": person_name(self.user)}
        return args

    js_args._archive_person_name = True
    MainMenuModule.js_args = js_args
