"""Metrics on hand-made documents; every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import pytest

from kimed.pipelines.deid.corpus import Document, Span
from kimed.pipelines.deid.evaluate import (
    MISSED,
    SPURIOUS,
    confusion,
    entity_scores,
    evaluate,
    f_beta,
    leak_rate,
    token_scores,
)

TEXT = "Herr Max Muster kam am 01.02.2020 aus Berlin."
GOLD = [
    Document(
        "d1",
        TEXT,
        [Span(5, 15, "NAME_PATIENT"), Span(23, 33, "DATE"), Span(38, 44, "LOCATION_CITY")],
    )
]
# "Muster" only (partial name), the exact date, Berlin with the wrong label, "kam" as a DATE.
PRED = [
    Document(
        "d1",
        TEXT,
        [
            Span(9, 15, "NAME_PATIENT"),
            Span(16, 19, "DATE"),
            Span(23, 33, "DATE"),
            Span(38, 44, "NAME_PATIENT"),
        ],
    )
]


def test_fixture_offsets() -> None:
    assert [TEXT[s.start : s.end] for s in GOLD[0].spans] == ["Max Muster", "01.02.2020", "Berlin"]
    assert [TEXT[s.start : s.end] for s in PRED[0].spans] == [
        "Muster",
        "kam",
        "01.02.2020",
        "Berlin",
    ]


def test_strict() -> None:
    rep = entity_scores(GOLD, PRED, strict=True)
    # only the date matches exactly: 1 correct of 4 predicted, 1 found of 3 gold
    assert rep.micro.precision == pytest.approx(1 / 4)
    assert rep.micro.recall == pytest.approx(1 / 3)
    assert rep.micro.f1 == pytest.approx(2 / 7)  # 2*(1/12)/(7/12)
    assert rep.micro.f2 == pytest.approx(5 / 16)  # 5*(1/12)/(1+1/3)
    assert rep.per_label["DATE"].precision == pytest.approx(0.5)
    assert rep.per_label["DATE"].recall == pytest.approx(1.0)
    assert rep.per_label["NAME_PATIENT"].f1 == 0.0
    assert rep.per_label["LOCATION_CITY"].recall == 0.0
    # macro F1 = mean(0, 2/3, 0) differs from micro F1 = 2/7
    assert rep.macro.f1 == pytest.approx((2 / 3) / 3)
    assert rep.macro.f1 != pytest.approx(rep.micro.f1)


def test_relaxed_differs_from_strict() -> None:
    rep = entity_scores(GOLD, PRED, strict=False)
    # "Muster" overlaps the gold name with the same label; Berlin has the wrong label
    assert rep.per_label["NAME_PATIENT"].precision == pytest.approx(1 / 2)
    assert rep.per_label["NAME_PATIENT"].recall == pytest.approx(1.0)
    assert rep.micro.precision == pytest.approx(2 / 4)
    assert rep.micro.recall == pytest.approx(2 / 3)
    assert rep.micro.f1 == pytest.approx(4 / 7)
    assert rep.micro.f1 > entity_scores(GOLD, PRED, strict=True).micro.f1


def test_f2_weights_recall() -> None:
    assert f_beta(0.5, 1.0, 1) == pytest.approx(2 / 3)
    assert f_beta(0.5, 1.0, 2) == pytest.approx(5 / 6)  # 5*0.5/(4*0.5+1)
    assert f_beta(1.0, 0.5, 2) == pytest.approx(5 / 9)  # 5*0.5/(4+0.5)
    assert f_beta(0.0, 0.0, 2) == 0.0


def test_token_scores() -> None:
    # 13 tokens; gold PHI: Max Muster 01 . 02 . 2020 Berlin (8); predicted: Muster kam 01 . 02 . 2020
    # Berlin (8); TP 7, FP 1 (kam), FN 1 (Max)
    s = token_scores(GOLD, PRED)
    assert s.precision == pytest.approx(7 / 8)
    assert s.recall == pytest.approx(7 / 8)
    assert s.f1 == pytest.approx(7 / 8)


def test_leak_rate() -> None:
    assert leak_rate(GOLD, GOLD) == 0.0
    assert leak_rate(GOLD, []) == 1.0
    # gold characters 10 + 10 + 6 = 26; "Max " (4 characters) is not covered
    assert leak_rate(GOLD, PRED) == pytest.approx(4 / 26)


def test_confusion() -> None:
    gold = [*GOLD, Document("d2", "Tel. 0341 1234", [Span(5, 14, "CONTACT_PHONE")])]
    table = confusion(gold, PRED)  # d2 has no prediction: its phone number is missed
    assert table == {
        ("NAME_PATIENT", "NAME_PATIENT"): 1,
        ("DATE", "DATE"): 1,
        ("LOCATION_CITY", "NAME_PATIENT"): 1,
        (SPURIOUS, "DATE"): 1,
        ("CONTACT_PHONE", MISSED): 1,
    }


def test_perfect_and_errors() -> None:
    rep = evaluate(GOLD, GOLD)
    assert rep.strict.micro.f1 == rep.relaxed.micro.f1 == rep.token.f1 == 1.0
    assert rep.leak_rate == 0.0
    with pytest.raises(ValueError, match="not in gold"):
        evaluate(GOLD, [Document("zz", "x", [])])
    with pytest.raises(ValueError, match="text differs"):
        evaluate(GOLD, [Document("d1", "other", [])])
