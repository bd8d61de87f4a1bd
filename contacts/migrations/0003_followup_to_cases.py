# The follow-up model moved to cases (cases 0006); its table (contacts_followup) stays as it is.
# State only: nothing in the database changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_followup_from_contacts'),
        ('contacts', '0002_follow_ups_and_visits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='FollowUp')],
            database_operations=[],
        ),
    ]
