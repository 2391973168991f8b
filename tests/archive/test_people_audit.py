"""User, group and permission changes are events in the hash-chained trail."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from archive.audit import audit_chain_verify
from archive.models import AuditEvent
from archive.roles import group_name

PASSWORD = "correct-horse-42"


@pytest.fixture
def administrator(db, django_user_model):
    """Sun Li, system administrator (系统管理员)."""
    user = django_user_model.objects.create_user(username="sun.li", password=PASSWORD)
    user.groups.add(Group.objects.get(name=group_name("administrator")))
    return user


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


class _EditorForm(HTMLParser):
    """The fields a browser would submit from a Wagtail edit page's form, as it stands."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._inside = False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._inside = a.get("id") == "w-editor-form"
        name = a.get("name") or ""
        if not self._inside or not name or "__prefix__" in name:
            return
        kind = a.get("type")
        if tag == "input" and (kind not in ("checkbox", "radio") or "checked" in a):
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(a.get("value", default) or "")
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _edit_url(user) -> str:
    """The user's edit page; the form requires names, so give them first, unaudited."""
    type(user).objects.filter(pk=user.pk).update(
        first_name="名", last_name="姓", email=f"{user.username}@example.cn")
    return reverse("wagtailusers_users:edit", args=[user.pk])


def _form(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _EditorForm()
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def _post(client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


def _events(action: str, **filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("sequence"))


def _group_id(role: str) -> str:
    return str(Group.objects.get(name=group_name(role)).pk)


def _no_password_hash_in_the_trail(django_user_model) -> None:
    hashes = [h for h in django_user_model.objects.values_list("password", flat=True) if h]
    for event in AuditEvent.objects.all():
        text = str(event.details)
        assert "pbkdf2" not in text and not any(h in text for h in hashes), event.details


def test_creating_a_user_in_the_admin_is_an_event_by_the_administrator(
        administrator_client, administrator, django_user_model):
    _post(administrator_client, reverse("wagtailusers_users:add"), {
        "username": "zhou.min", "email": "zhou.min@example.cn", "first_name": "敏",
        "last_name": "周", "password1": "new-horse-battery-9", "password2": "new-horse-battery-9",
        "groups": [_group_id("counter_staff")]})
    user = django_user_model.objects.get(username="zhou.min")
    [created] = _events("user_create", object_id=str(user.pk))
    assert (created.actor_id, created.object_type, created.object_repr) == (
        administrator.pk, "auth.User", "zhou.min")
    assert created.details == {"username": "zhou.min", "is_staff": False,
                               "is_superuser": False, "is_active": True}
    [roles] = _events("user_groups", object_id=str(user.pk))
    assert roles.actor_id == administrator.pk
    assert roles.details == {"added": ["窗口经办人员"], "removed": []}
    _no_password_hash_in_the_trail(django_user_model)
    assert audit_chain_verify().ok


def test_changing_a_users_roles_in_the_admin_is_one_event_naming_both_groups(
        administrator_client, administrator, officer):
    url = _edit_url(officer)
    data = _form(administrator_client, url)
    data["groups"] = [_group_id("auditor")]
    _post(administrator_client, url, data)
    [event] = _events("user_groups", object_id=str(officer.pk), actor=administrator)
    assert event.details == {"added": ["审计人员"], "removed": ["档案管理员"]}
    assert not _events("user_update", object_id=str(officer.pk))


def test_deactivating_a_user_in_the_admin_is_its_own_event(administrator_client, administrator,
                                                           clerk):
    url = _edit_url(clerk)
    data = _form(administrator_client, url)
    assert data.pop("is_active") == ["on"]
    _post(administrator_client, url, data)
    [event] = _events("user_deactivate", object_id=str(clerk.pk))
    assert (event.actor_id, event.details) == (administrator.pk, {"username": "li.na"})
    assert not _events("user_update", object_id=str(clerk.pk))

    clerk.refresh_from_db()
    clerk.is_active = True
    clerk.save()  # outside a request: the system acts
    [back] = _events("user_reactivate", object_id=str(clerk.pk))
    assert (back.actor_id, back.actor_name) == (None, "system")


def test_granting_superuser_in_the_admin_names_the_old_and_new_flag(
        administrator_client, administrator, auditor):
    url = _edit_url(auditor)
    data = _form(administrator_client, url)
    data["is_superuser"] = ["on"]
    _post(administrator_client, url, data)
    [event] = _events("user_update", object_id=str(auditor.pk))
    assert event.actor_id == administrator.pk
    assert event.details["superuser"] == "granted"
    assert event.details["changes"] == {"is_superuser": {"old": False, "new": True}}


def test_a_password_change_is_recorded_as_changed_never_as_its_hash(
        administrator_client, administrator, clerk, django_user_model):
    url = _edit_url(clerk)
    data = _form(administrator_client, url)
    data.update(password1=["other-horse-battery-7"], password2=["other-horse-battery-7"])
    _post(administrator_client, url, data)
    [event] = _events("user_update", object_id=str(clerk.pk))
    assert event.actor_id == administrator.pk
    assert event.details == {"username": "li.na", "password_changed": True}
    clerk.set_password("third-horse-battery-5")
    clerk.save()
    assert _events("user_update", object_id=str(clerk.pk))[-1].details["password_changed"]
    _no_password_hash_in_the_trail(django_user_model)


def test_editing_a_user_records_each_changed_field_old_and_new(officer):
    officer.email, officer.last_name = "wang.fang@example.cn", "王"
    officer.save()
    [event] = _events("user_update", object_id=str(officer.pk))
    assert event.details["changes"] == {"email": {"old": "", "new": "wang.fang@example.cn"},
                                        "last_name": {"old": "", "new": "王"}}


def test_signing_in_is_not_a_change_of_the_user(client, officer):
    assert client.login(username="wang.fang", password=PASSWORD)
    assert not _events("user_update", object_id=str(officer.pk))


def test_editing_a_groups_permissions_in_the_admin_is_one_net_event(administrator_client,
                                                                    administrator):
    approvers = Group.objects.get(name=group_name("approver"))
    held = set(approvers.permissions.values_list("pk", flat=True))
    url = reverse("wagtailusers_groups:edit", args=[approvers.pk])
    data = _form(administrator_client, url)
    access = Permission.objects.get(codename="access_admin")
    assert str(access.pk) in data["permissions"]
    data["permissions"] = [pk for pk in data["permissions"] if pk != str(access.pk)]
    _post(administrator_client, url, data)
    # Wagtail's form removes the permissions it does not show and adds them back: one event
    # tells the net change only.
    [event] = _events("group_permissions", object_id=str(approvers.pk))
    assert event.actor_id == administrator.pk
    assert event.details == {"added": [], "removed": ["wagtailadmin.access_admin"]}
    assert set(approvers.permissions.values_list("pk", flat=True)) == held - {access.pk}


def test_creating_a_group_in_the_admin_is_an_event_with_its_permissions(
        administrator_client, administrator):
    access = Permission.objects.get(codename="access_admin")
    data = _form(administrator_client, reverse("wagtailusers_groups:add"))
    data.update(name=["档案移交小组"], permissions=[str(access.pk)])
    _post(administrator_client, reverse("wagtailusers_groups:add"), data)
    group = Group.objects.get(name="档案移交小组")
    [created] = _events("group_create", object_id=str(group.pk))
    assert (created.actor_id, created.details) == (administrator.pk, {"name": "档案移交小组"})
    [perms] = _events("group_permissions", object_id=str(group.pk))
    assert perms.details == {"added": ["wagtailadmin.access_admin"], "removed": []}


def test_a_group_renamed_and_deleted_is_an_event_each(officer):
    group = Group.objects.create(name="临时小组")
    group.user_set.add(officer)
    group.permissions.add(Permission.objects.get(codename="view_record"))
    group.name = "借阅审批小组"
    group.save()
    pk = str(group.pk)
    group.delete()
    assert [e.action for e in AuditEvent.objects.filter(object_id=pk, object_type="auth.Group")
            .order_by("sequence")] == ["group_create", "group_permissions", "group_update",
                                       "group_delete"]
    assert _events("group_update", object_id=pk)[0].details == {
        "name": {"old": "临时小组", "new": "借阅审批小组"}}
    assert _events("group_delete", object_id=pk)[0].details == {
        "name": "借阅审批小组", "users": ["wang.fang"], "permissions": ["catalog.view_record"]}
    # Adding the officer from the group's side is an event about the officer.
    assert _events("user_groups", object_id=str(officer.pk))[-1].details == {
        "added": ["临时小组"], "removed": []}


def test_orm_changes_to_a_users_roles_and_permissions_are_the_systems_events(officer):
    auditors = Group.objects.get(name=group_name("auditor"))
    officer.groups.add(auditors)
    officer.groups.add(auditors)  # already there: nothing changes, nothing is written
    officer.user_permissions.add(Permission.objects.get(codename="verify_auditevent"))
    auditors.user_set.remove(officer)
    officer.groups.clear()
    events = _events("user_groups", object_id=str(officer.pk))[1:]  # after the fixture's own
    assert [e.details for e in events] == [
        {"added": ["审计人员"], "removed": []},
        {"added": [], "removed": ["审计人员"]},
        {"added": [], "removed": ["档案管理员"]}]
    assert {e.actor_name for e in events} == {"system"}
    [perms] = _events("user_permissions", object_id=str(officer.pk))
    assert perms.details == {"added": ["archive.verify_auditevent"], "removed": []}


def test_bulk_deactivation_in_the_admin_is_an_event_per_user(administrator_client, administrator,
                                                              officer, clerk):
    url = reverse("wagtail_bulk_action", args=["auth", "user", "set_active_state"])
    response = administrator_client.post(f"{url}?id={officer.pk}&id={clerk.pk}",
                                 {"mark_as_active": "False"})
    assert response.status_code == 302
    events = _events("user_deactivate", actor=administrator)
    assert sorted(e.object_repr for e in events) == ["li.na", "wang.fang"]


def test_the_chain_verifies_after_people_changes(administrator_client, officer, clerk,
                                                 django_user_model):
    officer.is_superuser = True
    officer.save()
    clerk.delete()
    url = _edit_url(officer)
    data = _form(administrator_client, url)
    data["groups"] = [_group_id("approver")]
    _post(administrator_client, url, data)
    assert _events("user_delete")[0].details == {"username": "li.na",
                                                 "groups": ["窗口经办人员"]}
    assert audit_chain_verify().ok
    _no_password_hash_in_the_trail(django_user_model)
