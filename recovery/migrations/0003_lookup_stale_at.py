from django.db import migrations, models
from django.utils import timezone


def sweep_unfinished_now(apps, schema_editor):
    """Lookups left unfinished before this column existed may have lost their task: due for the sweeper now."""
    Lookup = apps.get_model("recovery", "Lookup")
    Lookup.objects.exclude(status="done").update(stale_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("recovery", "0002_walkthrough"),
    ]

    operations = [
        migrations.AddField(
            model_name="lookup",
            name="stale_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Not done by then (its task lost, its worker gone): the sweeper sends it to the workers again.",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="lookup",
            index=models.Index(
                condition=models.Q(("status", "done"), _negated=True), fields=["stale_at"], name="lookup_unfinished"
            ),
        ),
        migrations.RunPython(sweep_unfinished_now, migrations.RunPython.noop),
    ]
