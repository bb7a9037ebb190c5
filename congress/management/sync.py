"""Idempotent row syncing for the demo seeds (congress seed_demo, matchmaking.demo)."""


def sync_rows(queryset, key, rows):
    """Create or update ``rows`` (dicts holding ``key``) in ``queryset``; return key → object.

    Only changed objects are written, so a re-run over an unchanged demo touches nothing.
    """
    existing = {getattr(obj, key): obj for obj in queryset}
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(queryset.model(**row))
            continue
        changes = {name: value for name, value in row.items() if getattr(obj, name) != value}
        if changes:
            for name, value in changes.items():
                setattr(obj, name, value)
            to_update.append(obj)
            changed_fields.update(changes)
    queryset.model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        queryset.model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    wanted = [row[key] for row in rows]
    # Fetched again so every object has its primary key, whatever the backend returns on insert.
    return {getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": wanted})}
