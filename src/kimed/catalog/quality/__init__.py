"""Metadata quality: a score compatible with data.europa.eu's MQA, plus KIMed's health dimension.

- :mod:`.model`: metrics, results, bands; :mod:`.mqa`: the 23 MQA metrics (405 points);
  :mod:`.health`: our health dimension (100 points, separate); :mod:`.explain`: "add X to gain N
  points"; :mod:`.dqv`: DQV measurements for the RDF export; :mod:`.linkcheck`: URL reachability
  (off by default, cached); :mod:`.assess`: scoring stored records and summing them up;
  :mod:`.cache`: the per-process cache of scores.

See docs/quality.md. Nothing here imports web or CLI code, and nothing is done at import.
"""

from kimed.catalog.quality.assess import (
    UnknownPublisher,
    checker_for,
    rows_for,
    score_record,
    score_row,
    score_rows,
    summarise,
)
from kimed.catalog.quality.cache import ScoreCache, score_cache
from kimed.catalog.quality.explain import explain
from kimed.catalog.quality.model import MQA_MAX, Explanation, MetricResult, QualityScore, band

__all__ = ["MQA_MAX", "Explanation", "MetricResult", "QualityScore", "ScoreCache",
           "UnknownPublisher", "band", "checker_for", "explain", "rows_for", "score_cache",
           "score_record", "score_row", "score_rows", "summarise"]
