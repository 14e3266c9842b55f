import json

import pytest

from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.verdict import Verdict

from .conftest import results


def test_residual_df_five_fails(write, appetite):
    path = write("model.json", json.dumps({"name": "logit", "residual_df": 5, "coef": {"age": 0.1}}))
    r = results(path, "regression", appetite)["residual-dof"]
    assert r.verdict is Verdict.FAIL
    assert [(c.row, c.value) for c in r.cells] == [("logit", 5)]
    assert r.rule.parameters == {"dof_threshold": 10}


def test_df_from_observations_and_parameters(write, appetite):
    # 16 observations, 4 parameters: 12 residual df >= 10; 13 observations: 9 < 10
    models = {"models": [{"name": "a", "n_obs": 16, "n_params": 4}, {"name": "b", "n_obs": 13, "n_params": 4}]}
    r = results(write("m.json", json.dumps(models)), "regression", appetite)["residual-dof"]
    assert [(c.row, c.value) for c in r.cells] == [("b", 9)]


@pytest.mark.parametrize(
    ("text", "verdict"),
    [("model,coef,residual_df\nm1,0.3,50\nm2,0.1,10\n", Verdict.PASS),
     ("statistic,value\nr2,0.4\ndf_resid,9\n", Verdict.FAIL)],
)
def test_csv_regression_results(write, appetite, text, verdict):
    assert results(write("reg.csv", text), "regression", appetite)["residual-dof"].verdict is verdict


def test_regression_without_df_names_the_field(write, appetite):
    with pytest.raises(AirlockInputError) as err:
        results(write("m.json", '{"coef": 1}'), "regression", appetite)
    assert (err.value.file, err.value.field) == ("m.json", "$.residual_df")


def test_malformed_json_names_the_line(write, appetite):
    with pytest.raises(AirlockInputError) as err:
        results(write("m.json", '{\n"residual_df": 5,,\n}'), "regression", appetite)
    assert err.value.field == "line 2" and err.value.rule == "well-formed JSON"
