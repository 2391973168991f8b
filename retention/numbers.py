"""The numbers holds, batches and registers are known by: ``PREFIX-YEAR-NNNN``."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction

from kernel import clock

PREFIXES = {"hold": "DJ", "batch": "JD", "register": "XH"}  # 冻结, 鉴定, 销毁


def _next(model: type[models.Model], stem: str) -> str:
    last = (model._default_manager.filter(number__startswith=stem)
            .order_by("-number").values_list("number", flat=True).first())
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{serial:04d}"


def create_numbered(model: type[models.Model], kind: str, /, **fields) -> models.Model:
    """Create a ``model`` row with the next free number of ``kind`` this year.

    Two writers may pick the same number; the unique constraint refuses the
    second, which takes the next one (inside a savepoint, so the caller's
    transaction goes on). ``model`` and ``kind`` are positional only: a hold has a
    field named ``kind`` too.
    """
    stem = f"{PREFIXES[kind]}-{clock.today().year}-"
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return model._default_manager.create(number=_next(model, stem), **fields)
        except IntegrityError:
            continue
    raise RuntimeError(f"no free {kind} number under {stem} after 20 attempts")
