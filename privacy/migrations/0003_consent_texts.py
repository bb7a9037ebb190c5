from django.db import migrations, models


def platform_text_version(apps, schema_editor):
    """Consents to matchmaking visibility and lead sharing were recorded with version "1" before
    organizers could write those texts: they were given to the platform's own text, "default"."""
    Consent = apps.get_model("accounts", "Consent")
    Consent.objects.filter(
        document__in=["matchmaking_visibility", "lead_sharing"], version="1"
    ).update(version="default")


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_mail_consent_text"),
        ("accounts", "0003_consent_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name="eventtext",
            name="kind",
            field=models.CharField(
                choices=[
                    ("privacy_notice", "Privacy notice"),
                    ("imprint", "Imprint"),
                    ("matchmaking_visibility", "Consent to matchmaking visibility"),
                    ("lead_sharing", "Consent to sharing contact details with a booth"),
                    ("mail_notifications", "Consent to mail notifications"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(platform_text_version, migrations.RunPython.noop),
    ]
