from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """Contact attempts and outcomes. Built in a later issue."""

    name = "contacts"
    verbose_name = "Contactpogingen"
