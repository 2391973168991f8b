"""Keep the core clients' callback signing secrets encrypted with ARCHIVE_FIELD_KEY."""

from django.db import migrations, models

from kernel.fieldcrypt import seal, unseal


def seal_secrets(apps, schema_editor):
    """Encrypt every plaintext secret into ``callback_secret_sealed`` and blank the plaintext."""
    CoreClient = apps.get_model("ingest", "CoreClient")
    for client in CoreClient.objects.exclude(callback_secret=""):
        client.callback_secret_sealed = seal(client.callback_secret)
        client.callback_secret = ""
        client.save(update_fields=["callback_secret_sealed", "callback_secret"])


def unseal_secrets(apps, schema_editor):
    """Decrypt every sealed secret back into the plaintext column (stops on a wrong key)."""
    CoreClient = apps.get_model("ingest", "CoreClient")
    for client in CoreClient.objects.exclude(callback_secret_sealed=""):
        client.callback_secret = unseal(
            client.callback_secret_sealed,
            what=f"the callback signing secret of core client {client.name}")
        client.callback_secret_sealed = ""
        client.save(update_fields=["callback_secret_sealed", "callback_secret"])


class Migration(migrations.Migration):
    dependencies = [("ingest", "0004_seed_core_business_types")]
    operations = [
        migrations.AddField(
            model_name="coreclient", name="callback_secret_sealed",
            field=models.TextField(blank=True, default="", editable=False,
                                   verbose_name="callback signing secret (encrypted)"),
            preserve_default=False),
        migrations.RunPython(seal_secrets, unseal_secrets),
        migrations.RemoveField(model_name="coreclient", name="callback_secret"),
    ]
