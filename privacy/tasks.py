"""Background jobs of data protection, run by `manage.py db_worker`."""

from django_tasks import task


@task()
def build_export_task(export_id):
    """Build one requested archive; a failure marks it failed (the person may ask again)."""
    from .models import DataExport
    from .services import build_export

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.state != DataExport.State.PENDING:
        return {"built": 0}
    try:
        build_export(export)
    except Exception:
        DataExport.objects.filter(pk=export_id).update(state=DataExport.State.FAILED)
        raise
    return {"built": 1}


@task()
def retention_task():
    """The daily run: warn organizers a week ahead, erase what is due, drop expired archives."""
    from .services import delete_expired_exports, run_retention, warn_retention

    warned = warn_retention()
    runs = run_retention()
    return {
        "warned": warned,
        "events_erased": len(runs),
        "exports_deleted": delete_expired_exports(),
    }
