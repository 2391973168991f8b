import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="IndexQueue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("record_id", models.BigIntegerField(unique=True, verbose_name="record")),
                ("token", models.UUIDField(default=uuid.uuid4)),
                ("queued_at", models.DateTimeField(auto_now=True, verbose_name="queued at")),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
            ],
            options={"verbose_name": "pending index update",
                     "verbose_name_plural": "pending index updates", "ordering": ["queued_at"]},
        ),
    ]
