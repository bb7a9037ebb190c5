"""One row and its forward relations by one column, from SQL written once per database.

What ``Model.objects.select_related(...).filter(column=value).first()`` returns, for the lookups
that every websocket connect and subscribe makes: the ORM builds and compiles such a query anew
each time, and that cost several times what SQLite needs to run it (py-spy on
benchmarks/reconnect_storm.py). Here the statement is written once per database alias; the values
go through the same converters the ORM applies and become instances with ``Model.from_db``, the
relations cached as ``select_related`` caches them. Only concrete fields and forward
foreign keys or one-to-ones; anything else belongs in a queryset.
"""

import contextlib
import datetime
import threading

from django.db import DEFAULT_DB_ALIAS, connections

_reads = threading.local()


def datetime_value(value, using=DEFAULT_DB_ALIAS):
    """A datetime column read with plain SQL, as the ORM would give it (SQLite gives text)."""
    if value is None or (isinstance(value, datetime.datetime) and value.tzinfo is not None):
        return value
    connection = connections[using]
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    return value if convert is None else convert(value, None, connection)


@contextlib.contextmanager
def shared_reads():
    """Within the block, on this thread, :func:`read_once` computes each key once.

    For calls that run one after the other on behalf of callers who all asked before the block
    began (``treffpunkt.realtime.trips``): a read shared among them is as fresh as each caller's
    own would have been. Nothing is kept after the block.
    """
    outer = getattr(_reads, "values", None)
    _reads.values = {} if outer is None else outer
    try:
        yield
    finally:
        _reads.values = outer


NOT_READ = object()


def reading_shared():
    """Whether this thread is within :func:`shared_reads`."""
    return getattr(_reads, "values", None) is not None


def remember(key, value):
    """Within :func:`shared_reads`: ``value`` as read for ``key`` (a prefetch for the block's
    calls, which :func:`prefetched` then answers). Outside the block: nothing."""
    values = getattr(_reads, "values", None)
    if values is not None:
        values[key] = value


def prefetched(key):
    """What :func:`remember` or :func:`read_once` kept for ``key`` in this block, or
    ``NOT_READ``."""
    return (getattr(_reads, "values", None) or {}).get(key, NOT_READ)


def read_once(key, compute):
    """``compute()``, or within :func:`shared_reads` its value for ``key`` when it was read there
    already. Only for reads of data that the block's calls do not change."""
    values = getattr(_reads, "values", None)
    if values is None:
        return compute()
    try:
        return values[key]
    except KeyError:
        value = values[key] = compute()
        return value


def any_of(connection, values):
    """What follows a column to match any of ``values``, and its parameters: on PostgreSQL
    ``= ANY(%s)`` with one array, elsewhere ``IN (%s, …)``.

    psycopg parses a statement's placeholders when it first meets its text and keeps the last 128
    it met; the lookups of a shared trip (``treffpunkt.realtime.trips``) are for 1 to 100 values,
    and with ``IN`` each count is a new text, parsed anew: 2 % of the servers' CPU in a
    reconnect storm on PostgreSQL (docs/performance.md). The array keeps one text."""
    values = list(values)
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [values]
    return f"IN ({', '.join(['%s'] * len(values))})", values


def each_of(connection, values):
    """A ``FROM`` item ``v`` with one row per value (``values`` integers) in its column
    ``column1``, and its parameters: on PostgreSQL ``unnest(%s)`` of one array (one statement
    text whatever the number, as :func:`any_of`), elsewhere ``(VALUES (%s), …)``, whose first
    column SQLite names so."""
    values = list(values)
    if connection.vendor == "postgresql":
        return "unnest(%s::bigint[]) AS v(column1)", [values]
    return f"(VALUES {', '.join(['(%s)'] * len(values))}) AS v", values


class RowLoader:
    def __init__(self, model, *, by="pk", related=(), where=(), shared=False):
        """``by``: the field matched (``pk`` or a field name); ``related``: forward relations of
        ``model`` to load with it (one level); ``where``: more ``(field name, value)`` conditions
        the row must meet (equality), fixed at definition; ``shared``: within
        :func:`shared_reads` the row of a value is read once (each ``get`` still makes its own
        instances), for rows the calls there do not change."""
        self.model = model
        self.by = by
        self.related = tuple(related)
        self.where = tuple(where)
        self.shared = shared
        self._plans = {}

    def get(self, value, *, using="default"):
        """The instance whose ``by`` equals ``value`` (relations cached on it), or ``None``."""
        connection = connections[using]
        sql, parts, fixed, (_condition, _index, by) = self._planned(using)

        def read():
            with connection.cursor() as cursor:
                cursor.execute(sql, [by.get_db_prep_value(value, connection), *fixed])
                return cursor.fetchone()

        key = (self, using, value)
        row = prefetched(key)  # read by prefetch() for this block's calls
        if row is NOT_READ:
            row = read_once(key, read) if self.shared else read()
        if row is None:
            return None
        instances = []
        start = 0
        for model, fields, converters, relation, pk_index in parts:
            values = list(row[start : start + len(fields)])
            start += len(fields)
            if relation is not None and values[pk_index] is None:
                instances.append(None)  # an empty nullable relation
                continue
            for index, (field_converters, expression) in enumerate(converters):
                for converter in field_converters:
                    values[index] = converter(values[index], expression, connection)
            instances.append(model.from_db(using, [field.attname for field in fields], values))
        root = instances[0]
        for (_model, _fields, _converters, relation, _pk), instance in zip(
            parts[1:], instances[1:], strict=True
        ):
            relation.set_cached_value(root, instance)
        return root

    def prefetch(self, values, *, using="default"):
        """Within :func:`shared_reads`: the rows of all ``values`` in one query, which each later
        :meth:`get` of one of them in the block takes instead of a query of its own (``None``
        for a value without a row). For the connects of one shared trip
        (``treffpunkt.realtime.trips``), which each look up their own token or session: one
        round trip to the database instead of one per connect. Outside the block it does
        nothing."""
        values = list(dict.fromkeys(values))
        if not values or not reading_shared():
            return
        connection = connections[using]
        sql, parts, fixed, (condition, by_index, by) = self._planned(using)
        # As the database holds them, so that each row is found again by its column's value.
        prepared = [by.get_db_prep_value(value, connection) for value in values]
        matching, params = any_of(connection, prepared)
        with connection.cursor() as cursor:
            cursor.execute(
                sql.replace(condition, condition.replace("= %s", matching)), [*params, *fixed]
            )
            rows = {row[by_index]: row for row in cursor.fetchall()}
        for value, stored in zip(values, prepared, strict=True):
            remember((self, using, value), rows.get(stored))

    def _planned(self, using):
        plan = self._plans.get(using)
        if plan is None:
            plan = self._plans[using] = self._plan(connections[using])
        return plan

    def _plan(self, connection):
        quote = connection.ops.quote_name
        meta = self.model._meta
        base = quote(meta.db_table)
        columns = []
        parts = []
        joins = []

        def add(model, alias, relation):
            fields = list(model._meta.concrete_fields)
            converters = []
            for field in fields:
                expression = field.get_col(alias)
                converters.append(
                    (
                        connection.ops.get_db_converters(expression)
                        + expression.get_db_converters(connection),
                        expression,
                    )
                )
                columns.append(f"{quote(alias)}.{quote(field.column)}")
            pk_index = fields.index(model._meta.pk)
            parts.append((model, fields, converters, relation, pk_index))

        add(self.model, meta.db_table, None)
        for number, name in enumerate(self.related):
            relation = meta.get_field(name)
            if not (relation.many_to_one or relation.one_to_one) or not relation.concrete:
                raise ValueError(f"{name} is not a forward foreign key or one-to-one")
            target = relation.related_model
            alias = f"r{number}"
            kind = "LEFT OUTER JOIN" if relation.null else "INNER JOIN"
            joins.append(
                f" {kind} {quote(target._meta.db_table)} {quote(alias)}"
                f" ON {quote(alias)}.{quote(relation.target_field.column)}"
                f" = {base}.{quote(relation.column)}"
            )
            add(target, alias, relation)
        by = meta.pk if self.by == "pk" else meta.get_field(self.by)
        by_condition = f"{base}.{quote(by.column)} = %s"
        conditions = [by_condition]
        fixed = []
        for name, value in self.where:
            field = meta.get_field(name)
            conditions.append(f"{base}.{quote(field.column)} = %s")
            fixed.append(field.get_db_prep_value(value, connection))
        sql = (
            f"SELECT {', '.join(columns)} FROM {base}{''.join(joins)}"  # noqa: S608 (names are ours)
            f" WHERE {' AND '.join(conditions)}"
        )
        return sql, parts, fixed, (by_condition, parts[0][1].index(by), by)
