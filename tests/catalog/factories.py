"""Factories for catalogue objects, built through the services so rules apply."""

from __future__ import annotations

import datetime as dt
import itertools

from catalog import services
from catalog.identifiers import citizen_id_check_char, credit_code_check_char, org_code_check_char
from catalog.models import Fonds, RetentionPeriod, Stage

_serial = itertools.count(1)


def citizen_id(region: str = "110105", born: str = "19491231", seq: str = "002") -> str:
    first17 = f"{region}{born}{seq}"
    return first17 + citizen_id_check_char(first17)


def org_code(body: str = "MA1XYZ01") -> str:
    return body + org_code_check_char(body)


def credit_code(prefix: str = "91350100", org_body: str = "M0001000") -> str:
    first17 = prefix + org_code(org_body)
    return first17 + credit_code_check_char(first17)


def fonds(code: str = "0211", name: str = "某市社会保险事业管理中心") -> Fonds:
    found = Fonds.objects.filter(code=code).first()
    return found or services.fonds_create(actor=None, code=code, name=name)


def stage(code: str) -> Stage:
    return Stage.objects.with_plan().get(code=code)


def retention(code: str) -> RetentionPeriod:
    return RetentionPeriod.objects.get(code=code)


def record(*, stage_code: str = "GL01", formed_on: dt.date = dt.date(2013, 5, 2), volume=None,
           title: str | None = None, actor=None, **kwargs):
    return services.record_create(
        actor=actor, fonds=kwargs.pop("fonds", None) or (volume.fonds if volume else fonds()),
        stage=None if volume else stage(stage_code), volume=volume, formed_on=formed_on,
        title=title or f"测试件 {next(_serial)}", **kwargs)


def volume(*, stage_code: str = "ZJ01", year: int = 2009, number: int = 1, actor=None, **kwargs):
    return services.volume_create(actor=actor, fonds=kwargs.pop("fonds", None) or fonds(),
                                  year=year, stage=stage(stage_code), number=number,
                                  title=kwargs.pop("title", f"{year}年征缴核定材料"), **kwargs)


class RegisterStandIn:
    """A destruction register as ``record_destroy`` needs it (a saved row with a label).

    The retention app's own register model takes its place once it exists.
    """

    def __init__(self, pk: int = 1, number: str = "XH-2026-001"):
        self.pk, self.number = pk, number

    def __str__(self) -> str:
        return self.number


def destroyed(record, *, actor=None, register: RegisterStandIn | None = None):
    """Destroy ``record`` through the service, under a stand-in register."""
    return services.record_destroy(actor=actor, record=record,
                                   register=register or RegisterStandIn())


def in_review(record, *, actor=None):
    """Send a record catalogued as processing on to review, as the pipeline does."""
    return services.record_transition(actor=actor, record=record, transition="review")
