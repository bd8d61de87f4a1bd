# DDAS v1.2 vocabularies (issue 12): the schema change, then the stored values (vocab_migrations).

from django.db import migrations, models

from vroegsignalering.common.vocab_migrations import rewrite_outcomes


class Migration(migrations.Migration):

    dependencies = [
        ('signals', '0010_forwarded_copy_survives_the_original'),
    ]

    operations = [
        migrations.AlterField(
            model_name='signal',
            name='outcome',
            field=models.CharField(blank=True, choices=[('Niet opgepakt: herhaalde melding', 'Niet opgepakt: herhaalde melding'), ('Niet opgepakt: onterecht signaal', 'Niet opgepakt: onterecht signaal'), ('Niet opgepakt: andere reden', 'Niet opgepakt: andere reden'), ('Inwoner is overleden', 'Inwoner is overleden'), ('Persoon is geen inwoner (meer) in de gemeente', 'Persoon is geen inwoner (meer) in de gemeente'), ('Inwoner al bekend bij schuldhulpverlening', 'Inwoner al bekend bij schuldhulpverlening'), ('(Budget)advies en/of quick fix', '(Budget)advies en/of quick fix'), ('Vervolghulp en/of verwijzing financieel', 'Vervolghulp en/of verwijzing financieel'), ('Vervolghulp en/of verwijzing niet financieel', 'Vervolghulp en/of verwijzing niet financieel'), ('Vervolghulp en/of verwijzing', 'Vervolghulp en/of verwijzing'), ('Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering', 'Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering'), ('Inwoner heeft zelf al betaald/betalingsregeling getroffen', 'Inwoner heeft zelf al betaald/betalingsregeling getroffen'), ('Geen reactie na eerder contact', 'Geen reactie na eerder contact'), ('Inwoner heeft al een ander lopend traject', 'Inwoner heeft al een ander lopend traject'), ('Definitief geen contact kunnen krijgen', 'Definitief geen contact kunnen krijgen'), ('Verwijzing zonder tussenkomst inwoner', 'Verwijzing zonder tussenkomst inwoner')], max_length=64, verbose_name='eindresultaat'),
        ),
        migrations.RunPython(*rewrite_outcomes(("signals", "Signal", "outcome"))),
    ]
