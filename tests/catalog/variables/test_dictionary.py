"""Reading data dictionaries from CSV and XLSX: accepted headers, and every refusal."""

from __future__ import annotations

import pytest

from kimed.catalog.variables.dictionary import (
    DictionaryError,
    field_of,
    read_dictionary,
    read_dictionary_file,
)
from tests.catalog.variables.conftest import DICTIONARIES, write_xlsx


def refusal(excinfo) -> str:
    return str(excinfo.value)


def test_reads_the_heart_dictionary(heart_csv):
    dictionary = read_dictionary_file(heart_csv)
    assert dictionary.table == "heart-dictionary"
    names = [v.name for v in dictionary.variables]
    assert names == ["patient_id", "age_at_admission", "sex", "nt_probnp", "lvef",
                     "main_diagnosis"]
    probnp = dictionary.variables[3]
    assert probnp.titles == {"en": "NT-proBNP", "de": "NT-proBNP"}
    assert probnp.unit == "pg/mL"
    assert probnp.datatype == "decimal"
    assert probnp.codes == ("LOINC:33762-6",)
    assert dictionary.variables[5].codes == ("ICD-10-GM:I50.1", "https://www.bfarm.de/icd-10-gm")
    assert [r.row for r in dictionary.rows] == [2, 3, 4, 5, 6, 7]


def test_german_headers_semicolons_and_datatype_aliases():
    dictionary = read_dictionary_file(DICTIONARIES / "german-semicolon.csv")
    age, smoker = dictionary.variables
    assert age.name == "alter" and age.titles == {"de": "Alter"}
    assert age.datatype == "integer"          # Ganzzahl
    assert smoker.datatype == "boolean"       # Wahrheitswert
    assert smoker.codes == ("SNOMED:77176002",)


@pytest.mark.parametrize(("header", "expected"), [
    ("Name", ("name", "")), ("variable_name", ("name", "")), ("Variablenname", ("name", "")),
    ("Title (de)", ("title", "de")), ("title_en", ("title", "en")),
    ("Beschreibung@de", ("description", "de")), ("Data type", ("datatype", "")),
    ("Einheit", ("unit", "")), ("Codes", ("codes", "")), ("Tabelle", ("table", "")),
    ("unit (de)", None), ("comment", None),
])
def test_header_names(header, expected):
    assert field_of(header) == expected


def test_missing_datatype_defaults_to_csvw_string():
    dictionary = read_dictionary(b"name,title\nx,X\n", "d.csv")
    assert dictionary.variables[0].datatype == "string"


def test_blank_rows_are_skipped_and_table_column_groups():
    data = b"name,title,table\na,A,visits\n,,\nb,B,labs\n"
    dictionary = read_dictionary(data, "d.csv")
    assert [(v.name, v.table) for v in dictionary.variables] == [("a", "visits"), ("b", "labs")]
    assert [r.row for r in dictionary.rows] == [2, 4]


@pytest.mark.parametrize(("data", "filename", "needles"), [
    (b"title,datatype\nAge,integer\n", "d.csv", ["d.csv", "row 1", "no name column",
                                                  "dictionary headers"]),
    (b"name,title\nage,Age\nAGE,Age again\n", "d.csv",
     ["row 3", "column 'name'", "duplicate variable name 'AGE' (first in row 2)"]),
    (b"name,datatype\nage,integerish\n", "d.csv",
     ["row 2", "column 'datatype'", "unknown datatype 'integerish'", "CSVW built-in"]),
    (b"", "d.csv", ["d.csv", "the file is empty"]),
    (b"name,title\n", "d.csv", ["header row but no variables"]),
    (b"name,colour\nx,red\n", "d.csv", ["row 1", "column 'colour'", "unknown column header"]),
    (b"name,title\n,Nameless\n", "d.csv", ["row 2", "column 'name'", "name is empty"]),
    (b"name\n_hidden\n", "d.csv", ["row 2", "reserved"]),
    (b"name,Name\nx,y\n", "d.csv", ["repeats"]),
    (b"name\nx\n", "dictionary.pdf", ["dictionary.pdf", "cannot read .pdf", "file type"]),
    (b"PK\x03\x04garbage", "dictionary.csv", ["binary file, not CSV"]),
    (b"name\n\xff\xfe\n", "d.csv", ["not UTF-8", "UTF-8 encoding"]),
    (b"name\nx\n", "broken.xlsx", ["broken.xlsx", "not an XLSX workbook"]),
])
def test_refusals_name_file_row_column_and_rule(data, filename, needles):
    with pytest.raises(DictionaryError) as excinfo:
        read_dictionary(data, filename)
    for needle in needles:
        assert needle in refusal(excinfo)
    assert all(p.rule for p in excinfo.value.problems)


def test_every_problem_is_reported_at_once():
    with pytest.raises(DictionaryError) as excinfo:
        read_dictionary(b"name,datatype\na,blob\na,string\n,string\n", "d.csv")
    rows = sorted(p.row for p in excinfo.value.problems)
    assert rows == [2, 3, 4]


def test_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"name\n" + b"x" * 200 + b"\n")
    with pytest.raises(DictionaryError) as excinfo:
        read_dictionary_file(path, max_bytes=100)
    assert "over the limit of 100" in refusal(excinfo)
    assert "KIMED_MAX_IMPORT_BYTES" in refusal(excinfo)


def test_xlsx_first_sheet_and_named_sheet(tmp_path):
    path = write_xlsx(tmp_path / "dict.xlsx", {
        "Notes": [["name", "title"], ["ignored", "Not this one"]],
        "Variablen": [["Variablenname", "Titel@de", "Datentyp", "Codes"],
                      ["nihss", "NIHSS", "Ganzzahl", "LOINC:72089-6"],
                      ["loinc_numeric", "Numeric code", "integer", 12345]],
    })
    assert [v.name for v in read_dictionary_file(path).variables] == ["ignored"]
    dictionary = read_dictionary_file(path, sheet="Variablen")
    assert dictionary.table == "Variablen"
    nihss, numeric = dictionary.variables
    assert (nihss.datatype, nihss.codes) == ("integer", ("LOINC:72089-6",))
    assert numeric.codes == ("12345",)  # a number cell reads as its digits


def test_xlsx_unknown_sheet_names_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "dict.xlsx", {"Sheet A": [["name"], ["x"]]})
    with pytest.raises(DictionaryError) as excinfo:
        read_dictionary_file(path, sheet="Variables")
    assert "no sheet named 'Variables'" in refusal(excinfo)
    assert "'Sheet A'" in refusal(excinfo)


def test_xlsx_without_worksheet(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.create_chartsheet()
    book.remove(book.active)
    path = tmp_path / "charts.xlsx"
    book.save(path)
    with pytest.raises(DictionaryError) as excinfo:
        read_dictionary_file(path)
    assert "no worksheet" in refusal(excinfo)


def test_sheet_option_refused_for_csv(heart_csv):
    with pytest.raises(DictionaryError) as excinfo:
        read_dictionary_file(heart_csv, sheet="x")
    assert "XLSX workbooks only" in refusal(excinfo)
