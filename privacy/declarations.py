"""Declarations for the tables of Django, DRF, allauth and the task queue (no app of ours owns them)."""

from treffpunkt.privacy import declare

declare("contenttypes.ContentType", not_personal="Django's model registry.")
declare("auth.Permission", not_personal="Django's permission names.")
declare("auth.Group", not_personal="Staff groups of the admin.")
declare("auth.Group_permissions", not_personal="Staff groups of the admin.")
declare(
    "auth.User_groups", erased=("user",), kept={"group": "Admin staff groups; none for attendees."}
)
declare("auth.User_user_permissions", erased=("user",))
declare(
    "auth.User",
    exported=("username", "first_name", "last_name", "email", "date_joined", "last_login"),
    erased=("username", "first_name", "last_name", "email", "password", "last_login", "is_active"),
    kept={
        "date_joined": "When the account began; kept on the erased placeholder account.",
        "is_superuser": "Not personal.",
        "is_staff": "Not personal.",
    },
)
declare(
    "admin.LogEntry",
    erased=("object_repr", "change_message"),
    kept={
        "user": "The admin who acted (accountability).",
        "object_id": "A row id.",
        "content_type": "Not personal.",
    },
)
declare("sessions.Session", erased=("session_data",), kept={"session_key": "A random key."})
declare("authtoken.Token", erased=("key", "user"))
declare(
    "django_tasks_database.DBTaskResult",
    kept={
        "args_kwargs": "Jobs receive row ids only (an export id, invitation ids), never texts.",
        "return_value": "Jobs return counts only.",
        "task_path": "Not personal.",
        "worker_ids": "Process ids.",
        "queue_name": "Not personal.",
        "backend_name": "Not personal.",
        "exception_class_path": "Not personal.",
        "traceback": "Program locations; jobs receive ids, not texts.",
        "status": "Not personal.",
    },
)
declare("account.EmailAddress", exported=("email", "verified", "primary"), erased=("user", "email"))
declare("account.EmailConfirmation", erased=("email_address", "key"))
declare(
    "mfa.Authenticator",
    exported=("type", "created_at", "last_used_at"),
    erased=("user", "data"),
    kept={"type": "Not personal."},
)
declare("socialaccount.SocialApp", not_personal="The configured single sign-on providers.")
declare(
    "socialaccount.SocialAccount",
    exported=("provider", "uid", "extra_data"),
    erased=("user", "uid", "extra_data"),
    kept={"provider": "Not personal."},
)
declare(
    "socialaccount.SocialToken",
    erased=("account", "token", "token_secret"),
    kept={"app": "Not personal."},
)

# The privacy app's own tables.
declare(
    "privacy.DataExport",
    exported=("created_at", "state"),
    erased=("user", "archive", "token"),
    kept={"state": "Not personal."},
)
declare(
    "privacy.Erasure",
    kept={"counts": "Row counts only, no contents.", "account_id": "The placeholder account's id."},
)
declare(
    "privacy.AccessRecord",
    exported=("actor", "what", "event", "created_at"),
    erased=("subject",),
    kept={"actor": "Who read personal data (accountability, Art. 5(2)).", "what": "Not personal."},
)
declare("privacy.RetentionPolicy", not_personal="The organizers' retention settings.")
declare("privacy.RetentionRun", kept={"counts": "Row counts only, no contents."})
declare("privacy.EventText", not_personal="The organizers' legal texts.")
