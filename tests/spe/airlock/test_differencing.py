"""Suppressed cells recoverable from margins; every case solved by hand in the comments."""

from kimed.spe.airlock.checks.differencing import solve
from kimed.spe.airlock.outputs import OutputFile
from kimed.spe.airlock.tables import read_table
from kimed.spe.airlock.verdict import Verdict

from .conftest import results

# north: 12 + x + 20 = 47, so x = 15 (and column B: 15 + 18 = 33 agrees)
SINGLE = """region,A,B,C,Total
north,12,*,20,47
south,30,18,14,62
Total,42,33,34,109
"""
# four cells in a rectangle: rows give b1+c1=35, b2+c2=32; columns b1+b2=33, c1+c2=34;
# rank 3 of 4 unknowns, so no cell is determined; every bound is >= 20
RECTANGLE = """region,A,B,C,Total
north,12,*,*,47
south,30,*,*,62
Total,42,33,34,109
"""
# secondary suppression in the same row only: column B gives 33 - 18 = 15, column C 34 - 14 = 20
SAME_ROW = """region,A,B,C,Total
north,12,*,*,47
south,30,18,14,62
Total,42,33,34,109
"""
# rectangle again, but row x adds up to 27 - 20 = 7: both its suppressed cells are at most 7
NARROW = """g,A,B,C,Total
x,*,*,20,27
y,*,*,14,62
Total,35,20,34,89
"""


def test_single_suppressed_cell_with_published_total_is_recoverable(write, appetite):
    r = results(write("t.csv", SINGLE), "frequency", appetite)["differencing"]
    assert r.verdict is Verdict.FAIL
    assert [(c.row, c.column, c.value) for c in r.cells] == [("north", "B", 15)]
    assert "secondary suppression" in r.rule.source


def test_recovered_value_stays_out_of_the_public_record(write, appetite):
    r = results(write("t.csv", SINGLE), "frequency", appetite)["differencing"]
    assert all("value" not in c for c in r.public()["cells"])


def test_rectangle_suppression_protects(write, appetite):
    r = results(write("t.csv", RECTANGLE), "frequency", appetite)["differencing"]
    assert r.verdict is Verdict.PASS and "4 suppressed" in r.message


def test_secondary_suppression_in_the_same_row_is_not_enough(write, appetite):
    r = results(write("t.csv", SAME_ROW), "frequency", appetite)["differencing"]
    assert r.verdict is Verdict.FAIL
    assert [(c.row, c.column, c.value) for c in r.cells] == [("north", "B", 15), ("north", "C", 20)]


def test_cells_bounded_below_the_threshold_go_to_review(write, appetite):
    r = results(write("t.csv", NARROW), "frequency", appetite)["differencing"]
    assert r.verdict is Verdict.REVIEW
    assert [(c.row, c.column, c.value) for c in r.cells] == [("x", "A", 7), ("x", "B", 7)]


def test_suppressed_margin_is_solved_from_the_other_margins(write):
    # the grand total is suppressed; the row totals 47 + 62 give it back
    text = SINGLE.replace("north,12,*,20,47", "north,12,15,20,47").replace("109", "*", 1)
    table = read_table(OutputFile.of(write("t.csv", text), "frequency"))
    solved, consistent = solve(table)
    assert consistent and {table.label(p): int(v) for p, v in solved.items()} == {("Total", "Total"): 109}


def test_inconsistent_margins_are_noticed(write):
    table = read_table(OutputFile.of(write("t.csv", RECTANGLE.replace("109", "110")), "frequency"))
    assert solve(table)[1] is False


def test_no_margins_nothing_to_recover(write, appetite):
    r = results(write("t.csv", "g,a,b\nx,*,12\ny,11,13\n"), "frequency", appetite)["differencing"]
    assert r.verdict is Verdict.PASS and "no margins" in r.message
