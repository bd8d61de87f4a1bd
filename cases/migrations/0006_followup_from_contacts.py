# The follow-up model moves from contacts to cases; its table (contacts_followup) stays as it is.
# State only: nothing in the database changes (contacts 0003 removes it from contacts' state).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_history_events_visit_follow_up'),
        ('contacts', '0002_follow_ups_and_visits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('due_on', models.DateField(help_text='De dag waarop de incassorust van 30 dagen afloopt.', verbose_name='te doen vanaf')),
                        ('created_at', models.DateTimeField(verbose_name='aangemaakt op')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='uitgevoerd op')),
                        ('kind', models.CharField(blank=True, choices=[('Mail', 'Mail'), ('Brief', 'Brief'), ('SMS/Whatsapp', 'SMS/Whatsapp'), ('Telefoon', 'Telefoon'), ('Huisbezoek', 'Huisbezoek'), ('Kaartje', 'Kaartje'), ('Overige', 'Overige'), ('Administratief', 'Administratief')], max_length=16, verbose_name='soort contact')),
                        ('at', models.DateTimeField(blank=True, null=True, verbose_name='tijdstip contact')),
                        ('dagdeel', models.CharField(blank=True, choices=[('Ochtend', 'Ochtend'), ('Middag', 'Middag'), ('Avond', 'Avond')], max_length=8, verbose_name='dagdeel')),
                        ('reached', models.CharField(blank=True, choices=[('ja', 'Bereikt'), ('nee', 'Niet bereikt'), ('onbekend', 'Onbekend')], max_length=8, verbose_name='bereikt')),
                        ('arranged', models.CharField(blank=True, choices=[('ja', 'Ja, de afspraak loopt'), ('nee', 'Nee, de afspraak loopt niet'), ('onbekend', 'Onbekend (niet bereikt)')], max_length=8, verbose_name='afspraak loopt')),
                        ('note', models.TextField(blank=True, verbose_name='notitie')),
                        ('assigned_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='follow_ups', to=settings.AUTH_USER_MODEL, verbose_name='medewerker')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='cases.case', verbose_name='melding')),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uitgevoerd door')),
                    ],
                    options={
                        'verbose_name': 'vervolgcontact',
                        'verbose_name_plural': 'vervolgcontacten',
                        'db_table': 'contacts_followup',
                        'ordering': ['due_on', 'id'],
                        'indexes': [models.Index(fields=['done_at', 'due_on'], name='follow_up_open_due')],
                        'constraints': [models.UniqueConstraint(fields=('case', 'due_on'), name='one_follow_up_per_case_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
