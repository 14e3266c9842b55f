"""N-K dominance and the p% rule on magnitude tables (cases computed by hand)."""

import pytest

from kimed.spe.airlock.appetite import load_risk_appetite
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.verdict import Verdict

from .conftest import results

COSTS = "sector,East,West,Total\nhealth,100,60,160\ncare,90,70,160\nTotal,190,130,320\n"


def _units() -> str:
    # health/East: one unit of 95 and ten of 0.5 -> total 100, top 2 = 95.5 (95.5 % > 90 %);
    #   p%: rest = 100 - 95.5 = 4.5 < 0.10 x 95 = 9.5.
    # health/West: twelve units of 5 (60); care/East: ten of 9 (90); care/West: ten of 7 (70).
    # Margins (built unit by unit): health 160, top 2 = 95 + 5 = 100 (62.5 %); East 190,
    # top 2 = 95 + 9 = 104 (54.7 %); no margin is dominated.
    lines = ["row,column,unit,value", "health,East,h1,95"]
    lines += [f"health,East,he{i},0.5" for i in range(10)]
    lines += [f"health,West,hw{i},5" for i in range(12)]
    lines += [f"care,East,ce{i},9" for i in range(10)]
    lines += [f"care,West,cw{i},7" for i in range(10)]
    return "\n".join(lines) + "\n"


def test_one_contributor_with_95_percent_is_flagged(write, appetite):
    write("costs.contributions.csv", _units())
    res = results(write("costs.csv", COSTS), "magnitude", appetite)
    nk = res["nk-dominance"]
    assert nk.verdict is Verdict.FAIL
    assert [(c.row, c.column, c.value) for c in nk.cells] == [("health", "East", 0.955)]
    assert nk.rule.parameters == {"n": 2, "k": 0.9}
    assert res["p-percent"].verdict is Verdict.FAIL
    assert [(c.row, c.column) for c in res["p-percent"].cells] == [("health", "East")]
    assert res["threshold"].verdict is Verdict.PASS  # 11, 12, 10 and 10 units


def test_threshold_counts_units_in_magnitude_tables(write, appetite):
    write("costs.contributions.csv", _units().replace("care,West,cw9,7\n", ""))  # 9 units left
    res = results(write("costs.csv", COSTS.replace("70", "63")), "magnitude", appetite)
    assert [(c.row, c.column, c.value) for c in res["threshold"].cells] == [("care", "West", 9)]


STATS_HEADER = "row,column,count,total,top1,top2\n"
SMALL = "g,a\nx,100\n"


@pytest.mark.parametrize(
    ("top1", "top2", "verdict"),
    [(50, 45, Verdict.PASS),  # rest 100 - 95 = 5, not below 0.10 x 50 = 5
     (50, 46, Verdict.FAIL)],  # rest 4 < 5
)
def test_p_percent_boundary(write, appetite, top1, top2, verdict):
    write("s.stats.csv", STATS_HEADER + f"x,a,12,100,{top1},{top2}\n")
    assert results(write("s.csv", SMALL), "magnitude", appetite)["p-percent"].verdict is verdict


def test_p_percent_flags_what_nk_lets_pass_with_a_stricter_p(write, tmp_path, appetite):
    # total 100, top 60 and 28: N-K share 88 % <= 90 % passes; rest 12.
    # p = 0.10: 12 >= 6 passes; p = 0.25 (override): 12 < 15 fails.
    write("s.stats.csv", STATS_HEADER + "x,a,12,100,60,28\n")
    path = write("s.csv", SMALL)
    default = results(path, "magnitude", appetite)
    assert default["nk-dominance"].verdict is Verdict.PASS
    assert default["p-percent"].verdict is Verdict.PASS
    override = tmp_path / "p.yaml"
    override.write_text("p_ratio: 0.25\n", encoding="utf-8")
    strict = results(path, "magnitude", load_risk_appetite(override))
    assert strict["nk-dominance"].verdict is Verdict.PASS
    assert strict["p-percent"].verdict is Verdict.FAIL
    assert strict["p-percent"].cells[0].value == 12


def test_negative_contributions_go_to_review(write, appetite):
    lines = "row,column,value\n" + "".join(f"x,a,{v}\n" for v in [30, 20, -5, 15, 10, 10, 10, 5, 3, 2])
    write("n.contributions.csv", lines)
    res = results(write("n.csv", SMALL), "magnitude", appetite)
    assert res["nk-dominance"].verdict is Verdict.REVIEW and res["p-percent"].verdict is Verdict.REVIEW


def test_stats_without_enough_top_values_is_an_error(write, appetite):
    write("s.stats.csv", "row,column,count,total,top1\nx,a,12,100,60\n")
    with pytest.raises(AirlockInputError) as err:
        results(write("s.csv", SMALL), "magnitude", appetite)
    assert err.value.file == "s.stats.csv" and "top" in err.value.field


def test_magnitude_table_without_sidecar_is_an_error(write, appetite):
    with pytest.raises(AirlockInputError) as err:
        results(write("lonely.csv", SMALL), "magnitude", appetite)
    assert (err.value.file, err.value.field) == ("lonely.csv", "contributions")


def test_sidecar_cell_not_in_table_is_an_error(write, appetite):
    write("s.contributions.csv", "row,column,value\nx,a,5\nz,a,3\n")
    with pytest.raises(AirlockInputError) as err:
        results(write("s.csv", SMALL), "magnitude", appetite)
    assert err.value.file == "s.contributions.csv" and err.value.field == "line 3"
    assert "row and column of the table" in err.value.rule


def test_margins_count_a_unit_once_across_its_cells(write):
    from kimed.spe.airlock.contributions import read_contributions
    from kimed.spe.airlock.outputs import OutputFile
    from kimed.spe.airlock.tables import read_table

    # unit "big" gives 50 to x/a and 30 to x/b; u1 gives 5 to each. Row total x: big 80, u1 10.
    write("m.contributions.csv", "row,column,unit,value\nx,a,big,50\nx,a,u1,5\nx,b,big,30\nx,b,u1,5\n")
    output = OutputFile.of(write("m.csv", "g,a,b,Total\nx,55,35,90\n"), "magnitude")
    stats = read_contributions(output, read_table(output))
    total = stats[(0, 2)]
    assert (total.count, total.total, total.top) == (2, 90, (80, 10))
