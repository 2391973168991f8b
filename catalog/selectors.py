"""Reads of the catalogue shared by commands, views and exports."""

from __future__ import annotations

import datetime as dt

from kernel import clock

from .models import Category, RetentionPeriod, Stage


def file_plan(*, on: dt.date | None = None) -> list[dict]:
    """Return the plan as categories with their stages and the retention in force ``on``."""
    on = on or clock.today()
    codes = {p.years: p.code for p in RetentionPeriod.objects.all()}
    stages_by_category: dict[int, list[dict]] = {}
    for stage in Stage.objects.with_plan().order_by("category__sort_order", "sort_order", "code"):
        current = stage.current_version(on)
        history = [{"years": v.years, "retention_code": codes.get(v.years, ""),
                    "effective_from": v.effective_from.isoformat(), "basis": v.basis,
                    "note": v.note}
                   for v in sorted(stage.retention_versions.all(), key=lambda v: v.effective_from)]
        stages_by_category.setdefault(stage.category_id, []).append({
            "code": stage.code, "name": stage.name, "scope": stage.scope,
            "retention_code": codes.get(current.years, "") if current else "",
            "retention_years": current.years if current else None,
            "permanent": bool(current) and current.years is None,
            "basis": current.basis if current else "",
            "effective_from": current.effective_from.isoformat() if current else None,
            "history": history,
        })
    return [{"code": c.code, "name": c.name, "stages": stages_by_category.get(c.pk, [])}
            for c in Category.objects.order_by("sort_order", "code")]


def code_names() -> dict[str, dict[str, str]]:
    """Return the file plan's names by code, for showing codes with names (GL 社会保险管理类).

    Keyed as the search facets are: ``category``, ``stage``, ``retention``.
    """
    return {"category": dict(Category.objects.values_list("code", "name")),
            "stage": dict(Stage.objects.values_list("code", "name")),
            "retention": dict(RetentionPeriod.objects.values_list("code", "name"))}
