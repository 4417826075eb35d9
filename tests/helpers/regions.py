"""Minimal region files for the region tests: a valid regular region and the national fallback."""

from __future__ import annotations

from pathlib import Path

VALID = """\
id: {id}
name: Testregio {id}
organisations:
  - name: Testorganisatie
places:
  municipalities:
    - {municipality}
    - name: Testgemeente {id}
      aliases: [Test {id}]
      places: [Testdorp {id}]
  postcodes:
    - {postcodes}
coaches:
  - role: ondernemerscoach
    name: Coach (voorbeeld)
    organisation: Testorganisatie
    email: coach@example.org
    phone: "+31 6 00000000"
handoff:
  webhook:
    url: https://handoff.example.org/{id}
    secret_env: TEST_WEBHOOK_SECRET
  email: overdracht@example.org
wording:
  greeting: Hallo!
  coach_offer: Wil je een coach?
  closing: Dag!
"""

FALLBACK = """\
id: landelijk
name: Nederland
is_fallback: true
organisations:
  - name: Leerwerkloketten
wording:
  greeting: Hallo!
  coach_offer: Ga naar het Leerwerkloket.
  closing: Dag!
"""


def write_region(
    directory: Path,
    region_id: str = "testregio",
    municipality: str = "Enschede",
    postcodes: str = "[7500, 7549]",
    text: str | None = None,
) -> Path:
    """Write ``<region_id>.yml`` (a valid region, or ``text``) into ``directory``; its path."""
    path = directory / f"{region_id}.yml"
    path.write_text(
        text
        if text is not None
        else VALID.format(id=region_id, municipality=municipality, postcodes=postcodes),
        encoding="utf-8",
    )
    return path


def make_regions_dir(directory: Path) -> Path:
    """``directory`` with the fallback ``landelijk.yml`` and one valid region ``testregio.yml``."""
    (directory / "landelijk.yml").write_text(FALLBACK, encoding="utf-8")
    write_region(directory)
    return directory
