# DDAS v1.2 vocabularies (issue 12): the schema change, then the stored values (vocab_migrations).

from django.db import migrations, models

from vroegsignalering.common.vocab_migrations import rewrite_contact_kinds, rewrite_outcomes


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_history_event_contact_data'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='outcome',
            field=models.CharField(blank=True, choices=[('Niet opgepakt: herhaalde melding', 'Niet opgepakt: herhaalde melding'), ('Niet opgepakt: onterecht signaal', 'Niet opgepakt: onterecht signaal'), ('Niet opgepakt: andere reden', 'Niet opgepakt: andere reden'), ('Inwoner is overleden', 'Inwoner is overleden'), ('Persoon is geen inwoner (meer) in de gemeente', 'Persoon is geen inwoner (meer) in de gemeente'), ('Inwoner al bekend bij schuldhulpverlening', 'Inwoner al bekend bij schuldhulpverlening'), ('(Budget)advies en/of quick fix', '(Budget)advies en/of quick fix'), ('Vervolghulp en/of verwijzing financieel', 'Vervolghulp en/of verwijzing financieel'), ('Vervolghulp en/of verwijzing niet financieel', 'Vervolghulp en/of verwijzing niet financieel'), ('Vervolghulp en/of verwijzing', 'Vervolghulp en/of verwijzing'), ('Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering', 'Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering'), ('Inwoner heeft zelf al betaald/betalingsregeling getroffen', 'Inwoner heeft zelf al betaald/betalingsregeling getroffen'), ('Geen reactie na eerder contact', 'Geen reactie na eerder contact'), ('Inwoner heeft al een ander lopend traject', 'Inwoner heeft al een ander lopend traject'), ('Definitief geen contact kunnen krijgen', 'Definitief geen contact kunnen krijgen'), ('Verwijzing zonder tussenkomst inwoner', 'Verwijzing zonder tussenkomst inwoner')], max_length=64, verbose_name='eindresultaat'),
        ),
        migrations.AlterField(
            model_name='followup',
            name='kind',
            field=models.CharField(blank=True, choices=[('Mail', 'Mail'), ('Brief', 'Brief'), ('SMS/Whatsapp', 'SMS/Whatsapp'), ('Telefoon', 'Telefoon'), ('Huisbezoek', 'Huisbezoek'), ('Kaartje', 'Kaartje'), ('Overige', 'Overige'), ('Administratief', 'Administratief'), ('Afspraak op locatie', 'Afspraak op locatie')], max_length=24, verbose_name='soort contact'),
        ),
        migrations.AlterField(
            model_name='tray',
            name='contact_kind',
            field=models.CharField(blank=True, choices=[('Mail', 'Mail'), ('Brief', 'Brief'), ('SMS/Whatsapp', 'SMS/Whatsapp'), ('Telefoon', 'Telefoon'), ('Huisbezoek', 'Huisbezoek'), ('Kaartje', 'Kaartje'), ('Overige', 'Overige'), ('Administratief', 'Administratief'), ('Afspraak op locatie', 'Afspraak op locatie')], help_text='De manier van benaderen in dit bakje (leeg = beoordelen per melding).', max_length=24, verbose_name='soort contact'),
        ),
        migrations.AlterField(
            model_name='tray',
            name='end_outcome',
            field=models.CharField(blank=True, choices=[('Niet opgepakt: herhaalde melding', 'Niet opgepakt: herhaalde melding'), ('Niet opgepakt: onterecht signaal', 'Niet opgepakt: onterecht signaal'), ('Niet opgepakt: andere reden', 'Niet opgepakt: andere reden'), ('Inwoner is overleden', 'Inwoner is overleden'), ('Persoon is geen inwoner (meer) in de gemeente', 'Persoon is geen inwoner (meer) in de gemeente'), ('Inwoner al bekend bij schuldhulpverlening', 'Inwoner al bekend bij schuldhulpverlening'), ('(Budget)advies en/of quick fix', '(Budget)advies en/of quick fix'), ('Vervolghulp en/of verwijzing financieel', 'Vervolghulp en/of verwijzing financieel'), ('Vervolghulp en/of verwijzing niet financieel', 'Vervolghulp en/of verwijzing niet financieel'), ('Vervolghulp en/of verwijzing', 'Vervolghulp en/of verwijzing'), ('Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering', 'Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering'), ('Inwoner heeft zelf al betaald/betalingsregeling getroffen', 'Inwoner heeft zelf al betaald/betalingsregeling getroffen'), ('Geen reactie na eerder contact', 'Geen reactie na eerder contact'), ('Inwoner heeft al een ander lopend traject', 'Inwoner heeft al een ander lopend traject'), ('Definitief geen contact kunnen krijgen', 'Definitief geen contact kunnen krijgen'), ('Verwijzing zonder tussenkomst inwoner', 'Verwijzing zonder tussenkomst inwoner')], help_text="Meldingen in dit bakje worden direct gesloten met dit eindresultaat (bijvoorbeeld 'bekend bij schuldhulpverlening': de betrokken hulpverlener pakt het op).", max_length=64, verbose_name='eindresultaat bij plaatsing'),
        ),
        migrations.RunPython(*rewrite_outcomes(("cases", "Case", "outcome"), ("cases", "Tray", "end_outcome"))),
        migrations.RunPython(*rewrite_contact_kinds(("cases", "Tray", "contact_kind"), ("cases", "FollowUp", "kind"))),
    ]
