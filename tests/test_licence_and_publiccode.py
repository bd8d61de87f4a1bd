"""The licence and publiccode.yml a catalogue of public code reads (issue 9, point 9)."""
import datetime as dt
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_licence_is_the_complete_eupl_1_2():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in text
    assert "EUPL © the European Union 2007, 2016" in text
    # Every article, in order, and the appendix of compatible licences to its last sentence.
    headings = re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)
    assert headings == [str(n) for n in range(1, 16)]
    for phrase in ("Copyleft clause", "Compatibility clause", "Disclaimer of Liability",
                   "governed by Belgian law", "'Compatible Licences' according to Article 5 EUPL are:",
                   "Québec Free and Open-Source Licence", "require the production of a\nnew EUPL version."):
        assert phrase in text.replace("‘", "'").replace("’", "'")


def test_publiccode_yml_describes_the_software_under_the_eupl():
    doc = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert doc["publiccodeYmlVersion"] == "0.4"
    for key in ("name", "url", "softwareVersion", "releaseDate", "platforms", "categories", "developmentStatus",
                "softwareType", "description", "legal", "maintenance", "localisation"):
        assert doc.get(key), key
    dt.date.fromisoformat(doc["releaseDate"])
    assert doc["legal"]["license"] == "EUPL-1.2"
    assert doc["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert doc["softwareType"] in {"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                                   "standalone/backend", "standalone/other", "addon", "library", "configurationFiles"}
    assert doc["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert doc["maintenance"]["contacts"]
    assert "nl" in doc["localisation"]["availableLanguages"]
    assert {d["name"] for d in doc["dependsOn"]["open"]} >= {"PostgreSQL", "Redis"}
    for language in ("nl", "en"):
        description = doc["description"][language]
        assert len(description["shortDescription"]) <= 150
        assert 150 <= len(description["longDescription"]) <= 10_000
        assert description["features"]
