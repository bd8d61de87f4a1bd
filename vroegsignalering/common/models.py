"""Shared model building blocks."""
from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Geschiedenis kan niet worden gewijzigd.")

    def delete(self):
        raise AppendOnlyError("Geschiedenis kan niet worden verwijderd.")


class AppendOnlyModel(models.Model):
    """A history row: written once, never changed or deleted through the ORM.

    Retention (a later job) removes whole histories with their subject through the database's
    cascade, which bypasses these guards on purpose.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Geschiedenis kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Geschiedenis kan niet worden verwijderd.")
