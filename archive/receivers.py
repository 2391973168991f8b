"""Write an audit event for every catalogue change, state change, search and sign-in."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from catalog.signals import catalog_changed, personal_data_read
from kernel.http import client_address
from kernel.transitions import transitioned
from search.signals import index_rebuilt, search_performed

from . import lockout
from .audit import AuditSubject, audit_log


@receiver(catalog_changed, dispatch_uid="archive.audit.catalog_changed")
def audit_catalog_change(sender, instance, action, actor, details, **kwargs):
    subject = instance if instance is not None else AuditSubject(type=sender._meta.label)
    audit_log(actor=actor, action=action, obj=subject, **details)


@receiver(personal_data_read, dispatch_uid="archive.audit.personal_data_read")
def audit_personal_data_read(sender, instance, action, actor, details, **kwargs):
    # As at the counter: who opened or searched for whom is kept.
    subject = instance if instance is not None else AuditSubject(
        type=sender._meta.label, label=str(details.get("text", ""))[:200])
    audit_log(actor=actor, action=action, obj=subject, **details)


@receiver(transitioned, dispatch_uid="archive.audit.transitioned")
def audit_transition(sender, instance, transition, actor, details, **kwargs):
    audit_log(actor=actor, action=transition.name, obj=instance, **details)


@receiver(search_performed, dispatch_uid="archive.audit.search")
def audit_search(sender, actor, text, filters, total, **kwargs):
    # ID numbers typed into a search are personal information: who looked for whom is kept.
    audit_log(actor=actor, action="search",
              obj=AuditSubject(type="search.query", label=text[:200]),
              text=text, filters={k: v for k, v in filters.items() if v}, total=total)


@receiver(index_rebuilt, dispatch_uid="archive.audit.search_rebuild")
def audit_search_rebuild(sender, actor, details, **kwargs):
    audit_log(actor=actor, action="search_rebuild",
              obj=AuditSubject(type="search.index", label="search index"), **details)


@receiver(user_logged_in, dispatch_uid="archive.audit.login")
def audit_login(sender, request, user, **kwargs):
    lockout.record_success(user.get_username())
    audit_log(actor=user, action="login", obj=_user_subject(user), ip=client_address(request))


@receiver(user_logged_out, dispatch_uid="archive.audit.logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="logout", obj=_user_subject(user))


@receiver(user_login_failed, dispatch_uid="archive.audit.login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Counted for the lockout; only the first failure and each lockout are events.
    username = str(credentials.get("username", ""))[:150]
    for action, details in lockout.record_failure(username, client_address(request)):
        audit_log(actor=None, action=action, obj=AuditSubject(type="auth.User", label=username),
                  ip=client_address(request), **details)


def _user_subject(user) -> AuditSubject:
    # As before: the user's type and id, labelled by the username (not the full name).
    return AuditSubject(type="auth.User", id=user.pk, label=user.get_username())
