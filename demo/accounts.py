"""Invitations of the demo congress, through the accounts services as an organizer would send them.

A small CSV import (one row wrong on purpose) and one booth staff invitation, both from
``demo/data/accounts.toml``. The import is queued for the task worker, which imports it and mails
the invitations; on the embedded default they land in the outbox at ``/dev/outbox/``. Both are
idempotent by e-mail: a re-run queues an import that skips everyone and invites nobody twice.
"""

import csv
import io

from accounts.models import Invitation
from accounts.services import invite_staff, queue_import

from .content import load

COLUMNS = ["email", "first_name", "last_name", "organisation", "role", "booth"]


def import_file():
    """The demo's registration CSV, as an organizer would upload it."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    for row in load("accounts")["import"]:
        writer.writerow({column: row.get(column, "") for column in COLUMNS})
    file = io.StringIO(text.getvalue())
    file.name = "demo-anmeldungen.csv"
    return file


def seed_invitations(event, *, organizer, booth, booth_admin, out):
    """Queue the demo import and invite the booth admin's colleague; prints one line."""
    queue_import(event=event, by=organizer, file=import_file())
    colleague = load("accounts")["staff_invitation"]
    invited = 0
    if not Invitation.objects.filter(event=event, email=colleague["email"]).exists():
        invite_staff(exhibitor=booth, by=booth_admin, **colleague)
        invited = 1
    rows = len(load("accounts")["import"])
    out.write(
        f"Einladungen: Import mit {rows} Zeilen für den Task-Worker vorgemerkt, "
        f"{invited} Einladung ins Standteam; die Mails zeigt /dev/outbox/."
    )
