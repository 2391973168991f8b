"""Write an audit event for every catalogue change and every sign-in."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from catalog.signals import catalog_changed

from .audit import audit_event_record


@receiver(catalog_changed, dispatch_uid="archive.audit.catalog_changed")
def audit_catalog_change(sender, instance, action, actor, details, **kwargs):
    audit_event_record(
        actor=actor, action=action, object_type=sender._meta.label,
        object_id=getattr(instance, "pk", "") or "", object_repr=str(instance or ""),
        details=details)


@receiver(user_logged_in, dispatch_uid="archive.audit.login")
def audit_login(sender, request, user, **kwargs):
    audit_event_record(actor=user, action="login", object_type="auth.User", object_id=user.pk,
                       object_repr=user.get_username(),
                       details={"ip": request.META.get("REMOTE_ADDR", "") if request else ""})


@receiver(user_logged_out, dispatch_uid="archive.audit.logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_event_record(actor=user, action="logout", object_type="auth.User",
                           object_id=user.pk, object_repr=user.get_username())


@receiver(user_login_failed, dispatch_uid="archive.audit.login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_event_record(actor=None, action="login_failed", object_type="auth.User",
                       object_repr=str(credentials.get("username", ""))[:150],
                       details={"ip": request.META.get("REMOTE_ADDR", "") if request else ""})
