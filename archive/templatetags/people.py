"""``{{ user|person }}``: a person acting, shown by name (kernel.names.person_name)."""

from django import template

from kernel.names import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
