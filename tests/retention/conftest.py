"""Named people of the retention workflows, one per role (see archive/roles.py)."""

from __future__ import annotations

import pytest

from tests.conftest import _role_user


@pytest.fixture
def appraisers(db, django_user_model):
    """The appraisal group: Zhou Min (leader), Sun Li and Wu Gang (鉴定小组成员)."""
    return [_role_user(django_user_model, name, "appraisal_member")
            for name in ("zhou.min", "sun.li", "wu.gang")]


@pytest.fixture
def approver(db, django_user_model):
    """Chen Jie, the agency head who approves destruction registers (审批人)."""
    return _role_user(django_user_model, "chen.jie", "approver")


@pytest.fixture
def supervisors(db, django_user_model):
    """Liu Yang and Huang Wei, who witness a destruction (监销人)."""
    return [_role_user(django_user_model, name, "destruction_supervisor")
            for name in ("liu.yang", "huang.wei")]


@pytest.fixture
def second_officer(db, django_user_model):
    """Ma Lin, a second archive officer (executes what Wang Fang prepared)."""
    return _role_user(django_user_model, "ma.lin", "archive_officer")
