"""The one place that answers "may this user do this to this object".

Apps register one predicate per permission with :func:`rule`; REST permission classes and realtime
handlers both call :func:`allowed` or :func:`require`, so a check cannot exist in one door only.

    @rule("congress.change_programme")
    def can_change_programme(user, event): ...

    require(request.user, "congress.change_programme", event)   # raises AccessDenied
"""

from .errors import AccessDenied

_rules = {}


def rule(name):
    def register(predicate):
        if name in _rules:
            raise RuntimeError(f"permission {name!r} is registered twice")
        _rules[name] = predicate
        return predicate

    return register


def allowed(user, name, obj=None):
    try:
        predicate = _rules[name]
    except KeyError:
        raise LookupError(f"unknown permission {name!r}") from None
    return bool(predicate(user, obj))


def require(user, name, obj=None, *, message=None):
    if not allowed(user, name, obj):
        if message:
            raise AccessDenied(message)
        raise AccessDenied()


def registered():
    return sorted(_rules)
