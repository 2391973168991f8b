"""The role matrix is the only source of the groups' permissions, and migrate applies it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from archive import roles
from archive.models import AuditEvent
from archive.roles import ROLES, Role, RoleMatrixError, group_name, roles_sync

PROJECT_APPS = ("catalog", "archive", "search", "ingest", "retention")
PEOPLE_ACTIONS = ("group_create", "group_update", "group_delete", "group_permissions")


def _held(group: Group) -> set[str]:
    return {f"{app}.{codename}" for app, codename in
            group.permissions.values_list("content_type__app_label", "codename")}


def _group(role: str) -> Group:
    return Group.objects.get(name=group_name(role))


def _permission(name: str) -> Permission:
    app, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app, codename=codename)


def test_each_role_group_holds_exactly_its_matrix_permissions(db):
    for code, role in ROLES.items():
        assert _held(_group(code)) == role.permissions, code


def test_the_role_groups_keep_their_names(db):
    assert {code: group_name(code) for code in ROLES} == {
        "archive_officer": "档案管理员", "counter_staff": "窗口经办人员", "auditor": "审计人员",
        "appraisal_member": "鉴定小组成员", "approver": "审批人",
        "destruction_supervisor": "监销人", "administrator": "系统管理员"}


def test_a_new_database_starts_from_the_matrix_without_an_event(db):
    assert not AuditEvent.objects.filter(action="roles_sync").exists()
    assert roles_sync() == {}


def test_wagtails_starter_groups_are_gone_after_migrate(db):
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    Group.objects.create(name="Editors")
    assert roles_sync()["deleted"] == ["Editors"]
    assert not Group.objects.filter(name="Editors").exists()


def test_a_permission_granted_by_hand_is_removed_by_the_next_sync(db):
    clerks = _group("counter_staff")
    clerks.permissions.add(_permission("catalog.delete_record"))
    people_events = AuditEvent.objects.filter(action__in=PEOPLE_ACTIONS).count()
    assert roles_sync() == {"removed": {"窗口经办人员": ["catalog.delete_record"]}}
    assert _held(clerks) == ROLES["counter_staff"].permissions
    [event] = AuditEvent.objects.filter(action="roles_sync")
    assert (event.actor_name, event.details) == (
        "system", {"removed": {"窗口经办人员": ["catalog.delete_record"]}})
    assert AuditEvent.objects.filter(action__in=PEOPLE_ACTIONS).count() == people_events


def test_a_permission_taken_away_by_hand_is_given_back(db):
    auditors = _group("auditor")
    auditors.permissions.remove(_permission("archive.verify_auditevent"))
    assert roles_sync() == {"added": {"审计人员": ["archive.verify_auditevent"]}}
    assert _held(auditors) == ROLES["auditor"].permissions


def test_a_missing_group_is_recreated_with_its_permissions(db):
    _group("destruction_supervisor").delete()
    changes = roles_sync()
    assert changes["created"] == ["监销人"]
    assert _held(_group("destruction_supervisor")) == ROLES["destruction_supervisor"].permissions
    [event] = AuditEvent.objects.filter(action="roles_sync")
    assert event.details["created"] == ["监销人"]


def test_every_migrate_applies_the_matrix(db):
    _group("approver").permissions.clear()
    Group.objects.get(name=group_name("appraisal_member")).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for code, role in ROLES.items():
        assert _held(_group(code)) == role.permissions, code
    assert AuditEvent.objects.filter(action="roles_sync").count() == 1


def test_a_matrix_naming_a_missing_permission_fails_naming_it(db, monkeypatch):
    clerks = _group("counter_staff")
    clerks.permissions.add(_permission("catalog.delete_record"))
    broken = {**ROLES, "counter_staff": Role("窗口经办人员", ROLES["counter_staff"].permissions
                                             | {"catalog.shred_record"})}
    monkeypatch.setattr(roles, "ROLES", broken)
    with pytest.raises(RoleMatrixError, match=r"catalog\.shred_record \(role counter_staff\)"):
        roles_sync()
    assert "catalog.delete_record" in _held(clerks)  # nothing was applied


def test_the_retention_roles_hold_the_rights_of_their_coming_screens(db, django_user_model):
    def user_in(role: str):
        user = django_user_model.objects.create_user(username=role, password="x")
        user.groups.add(_group(role))
        return django_user_model.objects.get(pk=user.pk)

    member, approver = user_in("appraisal_member"), user_in("approver")
    supervisor, officer = user_in("destruction_supervisor"), user_in("archive_officer")
    assert member.has_perm("retention.give_appraisal_opinion")
    assert approver.has_perm("retention.approve_destruction")
    assert supervisor.has_perm("retention.supervise_destruction")
    for judge in (member, approver, supervisor):
        assert judge.has_perms(["catalog.view_record", "catalog.view_restricted_record",
                                "retention.view_record_history"])
        assert not judge.has_perm("archive.view_auditevent")
        assert not judge.has_perm("catalog.destroy_record")
    assert officer.has_perms(["catalog.destroy_record", "retention.open_appraisal",
                              "retention.execute_destruction", "retention.place_hold"])
    assert not officer.has_perm("retention.approve_destruction")


def test_the_migrations_no_longer_name_role_groups_or_grant_permissions():
    names = [role.group for role in ROLES.values()]
    for label in PROJECT_APPS:
        for migration in (Path(apps.get_app_config(label).path) / "migrations").glob("*.py"):
            text = migration.read_text(encoding="utf-8")
            assert not [n for n in names if n in text], migration
            assert "permissions.add" not in text and "archive.roles" not in text, migration
