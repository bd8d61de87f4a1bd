# ruff: noqa: E501 (a paragraph of a text is one line: the letter frame wraps it)
"""The texts a municipality starts with (editable in the browser): short, inviting, B1 Dutch; je-vorm for
young people, u-vorm for others, and for AOW-gerechtigden a pointer to the Informatiepunt Digitale
Overheid (Divosa monitor 2024, seed 000 §4.1). None names the creditor or the amount: a letter may
(a closed envelope), but inviting works better than dunning (seed 001 §4.4)."""
from .models import Channel, TargetGroup

_SMS_U = ("Goedendag {{ voornaam }}, de gemeente {{ gemeente }} wil u graag helpen met vaste lasten. "
          "Bel of app ons gratis op {{ team_telefoon }} ({{ bereikbaar }}). Noem kenmerk {{ kenmerk }}.")
_SMS_JE = ("Hoi {{ voornaam }}, de gemeente {{ gemeente }} helpt je graag met je vaste lasten. "
           "Bel of app ons op {{ team_telefoon }} en noem {{ kenmerk }}. Het is gratis.")
_MAIL_U = """Beste {{ naam }},

De gemeente {{ gemeente }} helpt inwoners die het lastig hebben met vaste lasten, zoals huur, energie of de zorgverzekering. Wij willen graag met u kijken wat u kan helpen. Dat is gratis en vrijblijvend.

Bel ons op {{ team_telefoon }} ({{ bereikbaar }}) of beantwoord deze e-mail. Noem dan het kenmerk {{ kenmerk }}.

Met vriendelijke groet,
{{ medewerker }}
Gemeente {{ gemeente }}"""
_MAIL_JE = """Hoi {{ voornaam }},

De gemeente {{ gemeente }} helpt je graag als je vaste lasten, zoals huur, energie of je zorgverzekering, lastig zijn om te betalen. Samen kijken we wat jou helpt. Het is gratis.

Bel of app ons op {{ team_telefoon }} ({{ bereikbaar }}) of stuur een mail terug. Noem je kenmerk {{ kenmerk }}.

Groet,
{{ medewerker }}
Gemeente {{ gemeente }}"""
_BRIEF_U = """Beste {{ naam }},

Het lukt niet altijd om alle rekeningen op tijd te betalen. Dat kan iedereen overkomen. De gemeente {{ gemeente }} helpt inwoners dan graag, voordat de problemen groter worden. Wij hebben gehoord dat een vaste last bij u is blijven liggen.

Wilt u met ons praten? Dat is gratis en vrijblijvend. Samen kijken we wat u kan helpen, bijvoorbeeld een betalingsregeling of geld waar u recht op heeft.

Bel ons op {{ team_telefoon }} ({{ bereikbaar }}) of mail naar {{ team_email }}. Noem dan het kenmerk {{ kenmerk }}.

Met vriendelijke groet,

{{ medewerker }}
Gemeente {{ gemeente }}"""
_BRIEF_JE = """Hoi {{ voornaam }},

Het lukt niet altijd om alles op tijd te betalen. Dat overkomt veel mensen. De gemeente {{ gemeente }} helpt je graag, voordat het groter wordt. We hebben gehoord dat een vaste last bij jou is blijven liggen.

Zullen we even praten? Het is gratis. Samen kijken we wat jou helpt, bijvoorbeeld een betalingsregeling of geld waar je recht op hebt.

Bel of app ons op {{ team_telefoon }} ({{ bereikbaar }}) of mail naar {{ team_email }}. Noem je kenmerk {{ kenmerk }}.

Groet,

{{ medewerker }}
Gemeente {{ gemeente }}"""
_IDO = """

Liever hulp in de buurt bij formulieren en digitale zaken? Ga dan naar {{ informatiepunt }}. Daar helpen ze u gratis."""

DEFAULT_TEXTS: dict[tuple[str, str], tuple[str, str]] = {
    (Channel.SMS, TargetGroup.JONGEREN): ("", _SMS_JE),
    (Channel.SMS, TargetGroup.ALGEMEEN): ("", _SMS_U),
    (Channel.SMS, TargetGroup.AOW): ("", _SMS_U),
    (Channel.EMAIL, TargetGroup.JONGEREN): ("Hulp bij je vaste lasten", _MAIL_JE),
    (Channel.EMAIL, TargetGroup.ALGEMEEN): ("Hulp bij uw vaste lasten", _MAIL_U),
    (Channel.EMAIL, TargetGroup.AOW): ("Hulp bij uw vaste lasten", _MAIL_U + _IDO),
    (Channel.BRIEF, TargetGroup.JONGEREN): ("Hulp bij je vaste lasten", _BRIEF_JE),
    (Channel.BRIEF, TargetGroup.ALGEMEEN): ("Hulp bij uw vaste lasten", _BRIEF_U),
    (Channel.BRIEF, TargetGroup.AOW): ("Hulp bij uw vaste lasten", _BRIEF_U + _IDO),
}
