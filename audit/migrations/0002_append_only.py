"""The audit trail is append-only in the database, not only in Python.

PostgreSQL: a trigger refuses every UPDATE, and every DELETE unless the transaction set
``SET LOCAL vroegsignalering.audit_purge = 'on'`` (only ``audit.services.audit_events_purge`` does, for
retention). TRUNCATE is not a row operation and is not refused by the trigger: the application's
database role should lack the TRUNCATE privilege in production (docs/security.md); Django's test runner
empties tables with it. A GIN index serves the auditor's filter by person (jsonb ``@>``).

SQLite (the embedded first look): a trigger refuses UPDATE; DELETE stays possible there (Django's
test runner empties tables with DELETE), the model refuses it in Python.
"""
from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('vroegsignalering.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE INDEX audit_persons_gin ON audit_auditevent USING gin (persons jsonb_path_ops);
"""
PG_BACKWARD = """
DROP INDEX IF EXISTS audit_persons_gin;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS audit_event_no_update;"


def forward(apps, schema_editor):
    sql = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    sql = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
