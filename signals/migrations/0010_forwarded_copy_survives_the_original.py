"""A forwarded copy says it is one for good (``forwarded_copy``): ``forwarded_from`` becomes SET_NULL, so the purge can
destroy the original on its own municipality's term while the copy follows the other municipality's term
(docs/retention.md). Existing copies are marked; the creditor's uniqueness rule reads the new flag."""
import django.db.models.deletion
from django.db import migrations, models


def mark_copies(apps, schema_editor):
    Signal = apps.get_model("signals", "Signal")
    Signal.objects.filter(forwarded_from__isnull=False).update(forwarded_copy=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_retention_terms_and_ddas_organisation'),
        ('signals', '0009_csvimport_municipalities'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='signal',
            name='signal_unique_per_creditor',
        ),
        migrations.AddField(
            model_name='signal',
            name='forwarded_copy',
            field=models.BooleanField(default=False, verbose_name='doorgestuurde kopie'),
        ),
        migrations.RunPython(mark_copies, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='signal',
            name='forwarded_from',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='forwarded_copy_of', to='signals.signal', verbose_name='doorgestuurd vanuit'),
        ),
        migrations.AddConstraint(
            model_name='signal',
            constraint=models.UniqueConstraint(condition=models.Q(('forwarded_copy', False)), fields=('creditor', 'signal_id'), name='signal_unique_per_creditor'),
        ),
    ]
