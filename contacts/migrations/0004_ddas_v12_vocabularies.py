# DDAS v1.2 vocabularies (issue 12): the schema change, then the stored values (vocab_migrations).

from django.db import migrations, models

from vroegsignalering.common.vocab_migrations import rewrite_contact_kinds


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0003_followup_to_cases'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contactattempt',
            name='kind',
            field=models.CharField(choices=[('Mail', 'Mail'), ('Brief', 'Brief'), ('SMS/Whatsapp', 'SMS/Whatsapp'), ('Telefoon', 'Telefoon'), ('Huisbezoek', 'Huisbezoek'), ('Kaartje', 'Kaartje'), ('Overige', 'Overige'), ('Administratief', 'Administratief'), ('Afspraak op locatie', 'Afspraak op locatie'), ('Onbekend', 'Onbekend')], max_length=24, verbose_name='soort contact'),
        ),
        migrations.RunPython(*rewrite_contact_kinds(("contacts", "ContactAttempt", "kind"))),
    ]
