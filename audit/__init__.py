"""The audit trail of personal data (issue 11): who read or wrote whose data, when, where and why.

Views record what they showed with ``audit.recording.record`` (or mark a route with ``audited``); the
middleware (``audit.middleware.AuditMiddleware``) writes a request's events in one insert at the end.
The table is append-only, in Python and in PostgreSQL (a trigger; ``audit.services.audit_events_purge`` is
the one way to delete, for retention). Auditors read it at ``/audit``.
"""
