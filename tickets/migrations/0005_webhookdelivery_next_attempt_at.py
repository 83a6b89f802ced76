from django.db import migrations, models
from django.utils import timezone


def pending_due_now(apps, schema_editor):
    """Deliveries pending before this column existed may have lost their task: due for the sweeper now."""
    WebhookDelivery = apps.get_model("tickets", "WebhookDelivery")
    WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0004_activity_destination_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="next_attempt_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When a pending delivery is next due; long overdue, the sweeper sends it to the workers again.",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(
                condition=models.Q(("status", "pending")), fields=["next_attempt_at"], name="webhook_delivery_due"
            ),
        ),
        migrations.RunPython(pending_due_now, migrations.RunPython.noop),
    ]
