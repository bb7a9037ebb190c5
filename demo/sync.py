"""Idempotent row syncing: a re-run over an unchanged demo writes nothing."""


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


def sync_links(through, owner_field, target_field, owner_ids, wanted_pairs):
    """Make the many-to-many rows of ``owner_ids`` exactly ``wanted_pairs``."""
    existing = {
        (owner, target): pk
        for pk, owner, target in through.objects.filter(
            **{f"{owner_field}__in": owner_ids}
        ).values_list("pk", owner_field, target_field)
    }
    stale = [pk for pair, pk in existing.items() if pair not in wanted_pairs]
    through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create(
        [
            through(**{owner_field: owner, target_field: target})
            for owner, target in sorted(wanted_pairs - existing.keys())
        ]
    )
