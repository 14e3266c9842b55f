from kimed.spe.airlock.verdict import Verdict

from .conftest import results


def _patients(n: int) -> str:
    rows = [f"P{i:05d},{'f' if i % 2 else 'm'},{40 + i % 30}" for i in range(n)]
    return "patient_id,sex,age\n" + "\n".join(rows) + "\n"


def test_one_row_per_patient_fails(write, appetite):
    r = results(write("cohort.csv", _patients(25)), None, appetite)["person-level"]
    assert r.verdict is Verdict.FAIL
    assert [(c.column, c.value) for c in r.cells] == [("patient_id", 25)]


def test_id_values_without_an_id_name_are_found(write, appetite):
    text = _patients(25).replace("patient_id", "code")
    assert results(write("c.csv", text), None, appetite)["person-level"].verdict is Verdict.FAIL


def test_date_of_birth_column_fails_even_when_short(write, appetite):
    text = "sex,Geburtsdatum\nf,1950-03-02\nm,1961-11-30\n"
    r = results(write("c.csv", text), None, appetite)["person-level"]
    assert r.verdict is Verdict.FAIL and r.cells[0].column == "Geburtsdatum"


def test_few_rows_with_unique_ids_pass(write, appetite):
    # 19 rows is below person_level_min_rows (20)
    assert results(write("c.csv", _patients(19)), None, appetite)["person-level"].verdict is Verdict.PASS


def test_aggregate_table_passes(write, appetite):
    text = "region,count\nnorth,120\nsouth,98\neast,77\n"
    assert results(write("agg.csv", text), None, appetite)["person-level"].verdict is Verdict.PASS


def test_many_rows_without_id_go_to_review(write, appetite):
    text = "sex,age\n" + "".join(f"{'f' if i % 2 else 'm'},{i % 90}\n" for i in range(1000))
    r = results(write("rows.csv", text), None, appetite)["person-level"]
    assert r.verdict is Verdict.REVIEW and "1000 rows" in r.message
