"""The event keeps the creditor's own signaalId, so the feed is unchanged after the purge destroys the signal
(docs/retention.md); the signal becomes nullable (SET_NULL). Existing events copy it from their signal."""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_signal_ids(apps, schema_editor):
    FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
    Signal = apps.get_model("signals", "Signal")
    FeedbackEvent.objects.filter(creditor_signal_id="").update(
        creditor_signal_id=Subquery(Signal.objects.filter(pk=OuterRef("signal_id")).values("signal_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_webhooks'),
        ('signals', '0010_forwarded_copy_survives_the_original'),
    ]

    operations = [
        migrations.AddField(
            model_name='feedbackevent',
            name='creditor_signal_id',
            field=models.CharField(blank=True, help_text='Het signaalId van de vastelastenpartner (zijn eigen kenmerk), bewaard na vernietiging van het signaal.', max_length=64, verbose_name='signaalId'),
        ),
        migrations.RunPython(copy_signal_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='feedbackevent',
            name='signal',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='feedback_events', to='signals.signal', verbose_name='signaal'),
        ),
    ]
