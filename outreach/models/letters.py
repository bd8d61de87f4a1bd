"""Letters and their print batches. A letter is made per case (a plan's letter step) with its text frozen
(``body_html``), waits ``te_printen`` for the next print batch, and becomes a contact attempt only when the
batch is handed to the mail room: a rendered letter is not an attempt, a posted one is."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from vroegsignalering.common.tenancy import CaseScopedQuerySet, MunicipalityScopedQuerySet

from .runs import CaseOutreachStep
from .texts import MessageTemplate


class LetterStatus(models.TextChoices):
    TE_PRINTEN = "te_printen", "Te printen"
    IN_BATCH = "in_batch", "In een printbatch"
    VERZONDEN = "verzonden", "Verzonden"


class PrintBatchState(models.TextChoices):
    WACHTEND = "wachtend", "Wacht op verwerking"
    BEZIG = "bezig", "Brieven worden gemaakt"
    SAMENVOEGEN = "samenvoegen", "Brieven worden samengevoegd"
    KLAAR = "klaar", "Klaar om te printen"
    AFGEGEVEN = "afgegeven", "Afgegeven aan de postkamer"
    MISLUKT = "mislukt", "Mislukt"


# The batch needs no more rendering.
BATCH_DONE_STATES = frozenset({PrintBatchState.KLAAR, PrintBatchState.AFGEGEVEN, PrintBatchState.MISLUKT})


class PrintBatch(models.Model):
    """One PDF of letters for the mail room, sorted by postcode. Rendered in parts of 100 letters (see
    ``outreach.print_batches``); the merged PDF is deleted some days after the handover (letters re-render
    from their frozen text)."""

    municipality = models.ForeignKey("accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE,
                                     related_name="print_batches")
    state = models.CharField("stand", max_length=12, choices=PrintBatchState.choices,
                             default=PrintBatchState.WACHTEND)
    letters_total = models.PositiveIntegerField("aantal brieven", default=0)
    letters_done = models.PositiveIntegerField("brieven gemaakt", default=0)
    letters_registered = models.PositiveIntegerField("brieven geregistreerd", default=0)
    progress_at = models.DateTimeField("laatste voortgang")
    error = models.CharField("fout", max_length=500, blank=True)
    # The merged PDF (a few MB for 1,000 letters): in the database like the CSV import's file, so every
    # process (web, worker) reads the same bytes without shared storage. Emptied after the handover.
    pdf = models.BinaryField("PDF", default=b"", editable=False)
    pdf_size = models.PositiveIntegerField("grootte PDF", default=0)
    pdf_deleted_at = models.DateTimeField("PDF verwijderd op", null=True, blank=True)
    created_at = models.DateTimeField("gestart op")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="gestart door", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handed_over_at = models.DateTimeField("afgegeven op", null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="afgegeven door", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "printbatch"
        verbose_name_plural = "printbatches"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "progress_at"], name="print_batch_state")]

    def __str__(self) -> str:
        return f"Printbatch {self.pk} ({self.letters_total} brieven)"

    @property
    def percent(self) -> int:
        return self.letters_done * 100 // self.letters_total if self.letters_total else 0


class PrintBatchPart(models.Model):
    """The PDF of one chunk of a batch (letters ``seq * size`` onwards), kept until the merge."""

    batch = models.ForeignKey(PrintBatch, verbose_name="printbatch", on_delete=models.CASCADE, related_name="parts")
    seq = models.PositiveIntegerField("deel")
    letters = models.PositiveIntegerField("aantal brieven")
    pdf = models.BinaryField("PDF", editable=False)

    class Meta:
        verbose_name = "deel van een printbatch"
        verbose_name_plural = "delen van printbatches"
        ordering = ["batch", "seq"]
        constraints = [models.UniqueConstraint(fields=["batch", "seq"], name="print_batch_part_once")]

    def __str__(self) -> str:
        return f"Deel {self.seq} van printbatch {self.batch_id}"


class Letter(models.Model):
    """One letter to a case's resident, its text frozen when it was made (the version it came from stays
    linked), so the case page and the inzage report show what was sent."""

    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE, related_name="letters")
    run_step = models.OneToOneField(CaseOutreachStep, verbose_name="benaderingsstap", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="letter")
    template = models.ForeignKey(MessageTemplate, verbose_name="tekst (versie)", on_delete=models.PROTECT,
                                 related_name="letters")
    reference = models.CharField("kenmerk", max_length=20)
    letter_date = models.DateField("datum brief")
    subject = models.CharField("onderwerp", max_length=300)
    body_html = models.TextField("tekst (HTML)")
    addressee = models.CharField("geadresseerde", max_length=300)
    address_lines = models.JSONField("adresregels", default=list)
    # postcode, house number (5 digits), letter, addition, case: "~" first when the postcode is unusable
    sort_key = models.CharField("sorteersleutel", max_length=40)
    status = models.CharField("status", max_length=12, choices=LetterStatus.choices, default=LetterStatus.TE_PRINTEN)
    batch = models.ForeignKey(PrintBatch, verbose_name="printbatch", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="letters")
    batch_position = models.PositiveIntegerField("volgnummer in de batch", null=True, blank=True)
    attempt = models.OneToOneField("contacts.ContactAttempt", verbose_name="contactpoging", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="letter")
    sent_at = models.DateTimeField("verzonden op", null=True, blank=True)
    # Why a posted letter is not a contact attempt (the case was closed meanwhile, …).
    note = models.CharField("opmerking", max_length=500, blank=True)
    created_at = models.DateTimeField("gemaakt op")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="gemaakt door", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "brief"
        verbose_name_plural = "brieven"
        ordering = ["case", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "batch_position"], condition=Q(batch__isnull=False),
                                    name="letter_batch_position"),
        ]
        indexes = [models.Index(fields=["status", "sort_key"], name="letter_to_print")]

    def __str__(self) -> str:
        return f"Brief {self.reference} ({self.get_status_display().lower()})"
