"""The datatypes a data dictionary may name: CSVW's built-in datatypes, and a few aliases.

CSVW (Metadata Vocabulary for Tabular Data, section 5.11.1) names its built-in datatypes by
their XSD local names plus ``number``, ``binary``, ``datetime``, ``any``, ``xml``, ``html`` and
``json``. We accept those (in any letter case, or as an ``xsd:`` name or XSD IRI) and a few
common words in English and German, which map to the CSVW name stored in ``csvw:datatype``.
"""

from __future__ import annotations

XSD_IRI = "http://www.w3.org/2001/XMLSchema#"

CSVW_DATATYPES = (
    "anyAtomicType", "anyURI", "base64Binary", "boolean", "date", "dateTime", "dateTimeStamp",
    "decimal", "integer", "long", "int", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "nonPositiveInteger", "negativeInteger", "double", "number", "duration", "dayTimeDuration",
    "yearMonthDuration", "float", "gDay", "gMonth", "gMonthDay", "gYear", "gYearMonth",
    "hexBinary", "QName", "string", "normalizedString", "token", "language", "Name", "NMTOKEN",
    "xml", "html", "json", "time", "binary", "datetime", "any",
)
_BY_LOWER = {name.lower(): name for name in CSVW_DATATYPES}
# "datetime" and "dateTime" differ only in case; both mean xsd:dateTime, keep the XSD name.
_BY_LOWER["datetime"] = "dateTime"

ALIASES = {
    "text": "string", "str": "string", "char": "string", "varchar": "string",
    "categorical": "string", "category": "string", "code": "string",
    "bool": "boolean", "yes/no": "boolean", "numeric": "decimal", "real": "double",
    "timestamp": "dateTime", "uri": "anyURI", "url": "anyURI", "iri": "anyURI",
    # German
    "zeichenkette": "string", "freitext": "string", "kategorial": "string",
    "ganzzahl": "integer", "zahl": "decimal", "dezimalzahl": "decimal", "kommazahl": "decimal",
    "datum": "date", "zeitpunkt": "dateTime", "datum/uhrzeit": "dateTime", "uhrzeit": "time",
    "wahrheitswert": "boolean", "ja/nein": "boolean", "jahr": "gYear", "dauer": "duration",
}


def datatype_of(value: str) -> str | None:
    """The CSVW datatype name ``value`` stands for, or None when it names none."""
    text = value.strip()
    for prefix in (XSD_IRI, "xsd:", "csvw:"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    key = text.lower()
    return _BY_LOWER.get(key) or ALIASES.get(key)
