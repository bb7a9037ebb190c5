"""Imports run as jobs; invitations keep only their token's hash and name the booth by foreign key.

Existing invitations keep working: their token's hash is stored, their booth id is carried over.
"""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.models


def carry_over(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    Exhibitor = apps.get_model("expo", "Exhibitor")
    booths = set(Exhibitor.objects.values_list("pk", flat=True))
    for invitation in Invitation.objects.all():
        invitation.token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        if invitation.booth_id_before in booths:
            invitation.exhibitor_id = invitation.booth_id_before
        invitation.save(update_fields=["token_hash", "exhibitor"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("congress", "0001_initial"),
        ("expo", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("filename", models.CharField(blank=True, max_length=255)),
                ("language", models.CharField(default="de", max_length=8)),
                ("content", models.TextField()),
                ("state", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="queued", max_length=8)),
                ("report", models.JSONField(blank=True, null=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("event", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="congress.event")),
            ],
            options={"verbose_name": "import", "verbose_name_plural": "imports", "ordering": ["-created_at", "-id"]},
        ),
        migrations.RenameField(model_name="invitation", old_name="exhibitor_id", new_name="booth_id_before"),
        migrations.AddField(
            model_name="invitation",
            name="exhibitor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="expo.exhibitor"),
        ),
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="booth_id_before"),
        migrations.RemoveField(model_name="invitation", name="token"),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(default=accounts.models.unusable_token_hash, editable=False, max_length=64, unique=True),
        ),
    ]
