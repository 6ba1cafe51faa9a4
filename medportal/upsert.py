"""Writing fixture rows in bulk with their history: the knowledge-base loaders of every app.

``update_or_create`` per row costs a SELECT, a write and a history record even when nothing
changed: about 5,000 rows made a knowledge-base load take ~7 s, and every test that flushes its
database (browser tests, transactional tests) pays it again. ``upsert_rows`` reads the table once,
creates the missing rows and updates the changed ones in bulk, and writes one history record per
row it wrote, as ``save()`` would (django-simple-history's bulk helpers).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

BATCH_SIZE = 500


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    """Whether the stored value of field `name` differs from `value` (a foreign key by its id, so
    that comparing does not load the related row)."""
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def upsert_rows(model: type[models.Model], key: str, rows: Mapping[Hashable, dict[str, Any]]) -> dict:
    """Make `model` hold `rows` (value of the unique field `key` -> the other fields' values):
    missing rows are created and rows whose values differ are updated, each with a history record
    (every knowledge-base model keeps history; one without it is refused by simple-history's
    helpers). Rows not in `rows` are left alone. Returns key -> saved object."""
    objects = {getattr(o, key): o for o in model._default_manager.filter(**{f"{key}__in": list(rows)})}
    created, updated, changed = [], [], set()
    for value, fields in rows.items():
        obj = objects.get(value)
        if obj is None:
            objects[value] = obj = model(**{key: value}, **fields)
            created.append(obj)
            continue
        names = [name for name, field_value in fields.items() if _differs(obj, name, field_value)]
        if names:
            for name in names:
                setattr(obj, name, fields[name])
            updated.append(obj)
            changed.update(names)
    if created:
        bulk_create_with_history(created, model, batch_size=BATCH_SIZE)
    if updated:
        bulk_update_with_history(updated, model, fields=sorted(changed), batch_size=BATCH_SIZE)
    return objects


def deactivate_missing(model: type[models.Model], key: str, keep) -> int:
    """Mark active rows whose `key` is not in `keep` inactive (``is_active=False``), with a history
    record each: what the files no longer hold stops taking part, and its history stays. Returns
    how many rows were deactivated."""
    stale = list(model._default_manager.filter(is_active=True).exclude(**{f"{key}__in": list(keep)}))
    for obj in stale:
        obj.is_active = False
    if stale:
        bulk_update_with_history(stale, model, fields=["is_active"], batch_size=BATCH_SIZE)
    return len(stale)
