"""Who may export or erase data: only the person themselves (no role reaches another's data)."""


def can_manage_own_data(user, subject):
    return user is not None and user.is_authenticated and user.is_active and user.pk == subject.pk
