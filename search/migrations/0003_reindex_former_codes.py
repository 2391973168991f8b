"""Queue the records that have former 档号 for re-indexing: the index now carries them.

The indexer (beat's ``search-index-pending``, or ``search_rebuild``) rewrites their
documents with ``former_codes``; until then they are found by their new code only.
"""

from django.db import migrations


def queue_records_with_aliases(apps, schema_editor):
    RecordCodeAlias = apps.get_model("catalog", "RecordCodeAlias")
    IndexQueue = apps.get_model("search", "IndexQueue")
    ids = sorted(set(RecordCodeAlias.objects.values_list("record_id", flat=True)))
    IndexQueue.objects.bulk_create([IndexQueue(record_id=pk) for pk in ids],
                                   ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0010_record_suggestions"),
        ("search", "0002_roles_view_restricted"),
    ]

    operations = [
        migrations.RunPython(queue_records_with_aliases, migrations.RunPython.noop),
    ]
