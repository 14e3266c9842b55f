"""The GeMTeX PHI tag set and its mapping to the i2b2 2014 de-identification categories.

The tag set is the ``kind`` feature of the INCEpTION layer ``webanno.custom.PHI`` used to annotate
GraSCCo_PHI (Lohr et al., Stud Health Technol Inform 2024, doi:10.3233/SHTI240853); the shipped
copy ``../shared/data/deid/grascco_phi/phi_layer_tagset.json`` must list the same tags (a test
checks it).

The i2b2 2014 categories and subtypes are those of Stubbs A, Uzuner Ö. Annotating longitudinal
clinical narratives for de-identification: The 2014 i2b2/UTHealth corpus. J Biomed Inform
2015;58(Suppl):S20-S29, doi:10.1016/j.jbi.2015.07.020: NAME (PATIENT, DOCTOR, USERNAME),
PROFESSION, LOCATION (ROOM, DEPARTMENT, HOSPITAL, ORGANIZATION, STREET, CITY, STATE, COUNTRY,
ZIP, OTHER), AGE, DATE, CONTACT (PHONE, FAX, EMAIL, URL, IPADDRESS) and ID (SSN, MEDICALRECORD,
HEALTHPLAN, ACCOUNT, LICENSE, VEHICLE, DEVICE, BIOID, IDNUM).
"""

from __future__ import annotations

from typing import NamedTuple

PHI_LABELS: tuple[str, ...] = (
    "NAME_PATIENT",
    "NAME_DOCTOR",
    "NAME_RELATIVE",
    "NAME_EXT",
    "NAME_TITLE",
    "NAME_USERNAME",
    "NAME_OTHER",
    "DATE",
    "AGE",
    "LOCATION_STREET",
    "LOCATION_CITY",
    "LOCATION_ZIP",
    "LOCATION_HOSPITAL",
    "LOCATION_ORGANIZATION",
    "LOCATION_COUNTRY",
    "LOCATION_STATE",
    "LOCATION_OTHER",
    "ID",
    "CONTACT_PHONE",
    "CONTACT_FAX",
    "CONTACT_EMAIL",
    "CONTACT_URL",
    "PROFESSION",
    "OTHER",
)
"""The 24 GeMTeX PHI tags."""

I2B2_CATEGORIES: dict[str, tuple[str, ...]] = {
    "NAME": ("PATIENT", "DOCTOR", "USERNAME"),
    "PROFESSION": (),
    "LOCATION": (
        "ROOM",
        "DEPARTMENT",
        "HOSPITAL",
        "ORGANIZATION",
        "STREET",
        "CITY",
        "STATE",
        "COUNTRY",
        "ZIP",
        "OTHER",
    ),
    "AGE": (),
    "DATE": (),
    "CONTACT": ("PHONE", "FAX", "EMAIL", "URL", "IPADDRESS"),
    "ID": (
        "SSN",
        "MEDICALRECORD",
        "HEALTHPLAN",
        "ACCOUNT",
        "LICENSE",
        "VEHICLE",
        "DEVICE",
        "BIOID",
        "IDNUM",
    ),
}
"""i2b2 2014 PHI categories and their subtypes (Stubbs & Uzuner 2015)."""


class I2b2Label(NamedTuple):
    """An i2b2 2014 category with its subtype; ``subtype`` is None where none fits exactly."""

    category: str
    subtype: str | None


TO_I2B2: dict[str, I2b2Label | None] = {
    "NAME_PATIENT": I2b2Label("NAME", "PATIENT"),
    "NAME_DOCTOR": I2b2Label("NAME", "DOCTOR"),
    # i2b2 2014 has no relative subtype; GeMTeX's own NAME_PATIENT description covers relatives.
    "NAME_RELATIVE": I2b2Label("NAME", "PATIENT"),
    "NAME_EXT": I2b2Label("NAME", None),
    "NAME_TITLE": None,  # titles ("Dr. med.") are not PHI in i2b2 2014
    "NAME_USERNAME": I2b2Label("NAME", "USERNAME"),
    "NAME_OTHER": I2b2Label("NAME", None),
    "DATE": I2b2Label("DATE", None),
    "AGE": I2b2Label("AGE", None),
    "LOCATION_STREET": I2b2Label("LOCATION", "STREET"),
    "LOCATION_CITY": I2b2Label("LOCATION", "CITY"),
    "LOCATION_ZIP": I2b2Label("LOCATION", "ZIP"),
    "LOCATION_HOSPITAL": I2b2Label("LOCATION", "HOSPITAL"),
    "LOCATION_ORGANIZATION": I2b2Label("LOCATION", "ORGANIZATION"),
    "LOCATION_COUNTRY": I2b2Label("LOCATION", "COUNTRY"),
    "LOCATION_STATE": I2b2Label("LOCATION", "STATE"),
    "LOCATION_OTHER": I2b2Label("LOCATION", "OTHER"),
    # GeMTeX ID covers patient, case and other numbers; the i2b2 subtype is not recoverable.
    "ID": I2b2Label("ID", None),
    "CONTACT_PHONE": I2b2Label("CONTACT", "PHONE"),
    "CONTACT_FAX": I2b2Label("CONTACT", "FAX"),
    "CONTACT_EMAIL": I2b2Label("CONTACT", "EMAIL"),
    "CONTACT_URL": I2b2Label("CONTACT", "URL"),
    "PROFESSION": I2b2Label("PROFESSION", None),
    "OTHER": None,  # no i2b2 2014 counterpart
}
"""GeMTeX tag -> i2b2 2014 category/subtype, or None where i2b2 2014 has no counterpart."""


def to_i2b2(label: str) -> I2b2Label | None:
    """Map a GeMTeX tag to its i2b2 2014 category; raise KeyError for an unknown tag."""
    if label not in TO_I2B2:
        raise KeyError(f"unknown PHI label {label!r}; expected one of {', '.join(PHI_LABELS)}")
    return TO_I2B2[label]
