"""Word matching on both databases: folding, stemming, prefixes, phrases, exclusions, synonyms, boosts."""

from __future__ import annotations

import pytest

from tests.catalog.search.conftest import CS, HC, STD, AgentRef, record


@pytest.fixture
def corpus(finder):
    finder.add(
        record("stroke-de", title={"de": "Schlaganfallregister Bayern"},
               description={"de": "Alle Schlaganfälle in Kliniken seit 2010."}),
        record("stroke-en", title={"en": "Stroke outcomes"},
               description={"en": "Outcomes after a cerebrovascular accident."}),
        record("cancer", title={"en": "Oncology cohort"}, description={"en": "Solid tumours."},
               keywords={"en": ["cancer"]}),
        record("krebs", title={"de": "Krebsregister Sachsen"}, description={"de": "Krebs."}),
        record("hf", title={"en": "Heart failure registry"},
               description={"en": "Patients whose heart shows failure of several kinds."}),
        record("split", title={"en": "Failure of the heart valves"},
               description={"en": "Valve data."}),
        record("diab", title={"en": "Diabetes study"}, description={"en": "Type 2 diabetics."}),
        record("zucker", title={"de": "Zuckerkrankheit bei Kindern"},
               description={"de": "Typ-1-Diabetes im Kindesalter."}),
        record("mi", title={"de": "Herzinfarkt Nachsorge"}, description={"de": "Reha."}),
        record("icd", title={"en": "Hospital diagnoses"}, description={"en": "Coded data."},
               coding_systems=[f"{CS}ICD-10", f"{CS}LOINC"], standards=[f"{STD}FHIR"],
               health_categories=[f"{HC}EHRS"],
               publisher=AgentRef(name={"en": "Uniklinik Nord"})),
    )
    return finder


@pytest.mark.parametrize("text", ["Schlaganfall", "schlaganfaelle", "Schlaganfälle",
                                  "SCHLAGANFÄLLEN"])
def test_folding_and_stemming_find_the_same_record(corpus, text):
    assert "stroke-de" in corpus.idset(text)


def test_plain_diacritics_are_removed(finder):
    finder.add(record("fr", title={"fr": "Médecine générale"}))
    assert finder.ids("medecine generale") == ["fr"]


def test_prefix(corpus):
    assert corpus.idset("diab*") == {"diab", "zucker"}
    assert corpus.idset("schlaganf*") == {"stroke-de"}
    assert corpus.idset("diabetes*") == {"diab", "zucker"}  # longer than the stored stem


def test_last_word_as_prefix_when_typing(corpus):
    assert corpus.idset("onco") == set()
    assert corpus.idset("onco", typing=True) == {"cancer"}


def test_phrase(corpus):
    assert corpus.idset("failure heart") == {"hf", "split"}
    assert corpus.idset('"heart failure"') == {"hf"}
    assert corpus.idset('"failure of the heart"') == {"split"}


def test_exclusion(corpus):
    assert corpus.idset("registry -heart") == set(corpus.idset("registry")) - {"hf"}
    assert "hf" not in corpus.idset('-"heart failure"')
    assert "split" in corpus.idset('-"heart failure"')
    assert corpus.idset("-diabetes") & {"diab", "zucker"} == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("stroke", {"stroke-de", "stroke-en"}),
    ("Schlaganfall", {"stroke-de", "stroke-en"}),
    ("Krebs", {"cancer", "krebs"}),
    ("cancer", {"cancer", "krebs"}),
    ("diabetes", {"diab", "zucker"}),
    ("Zuckerkrankheit", {"diab", "zucker"}),
    ("heart attack", {"mi"}),
    ("myocardial infarction", {"mi"}),
])
def test_synonyms_cross_languages(corpus, text, expected):
    assert expected <= corpus.idset(text)


def test_exclusion_covers_synonyms(corpus):
    assert corpus.idset("-Schlaganfall") & {"stroke-de", "stroke-en"} == set()


@pytest.mark.parametrize("text", ["LOINC", "ICD-10", "ICD 10", "Diagnoseschlüssel",
                                  "Internationale Klassifikation der Krankheiten",
                                  "Logical Observation Identifiers", "Elektronische Gesundheitsakten",
                                  "FHIR", "Uniklinik"])
def test_vocabulary_labels_are_searchable_in_both_languages(corpus, text):
    assert "icd" in corpus.idset(text)


def test_title_match_ranks_above_description_match(finder):
    finder.add(
        record("desc", title={"en": "Regional registry"},
               description={"en": "A registry of asthma cases and other conditions."}),
        record("title", title={"en": "Asthma registry"}, description={"en": "Cases by region."}),
        record("kw", title={"en": "Regional cohort"}, description={"en": "Cases by region."},
               keywords={"en": ["asthma"]}),
    )
    result = finder("asthma")
    assert [h.identifier for h in result.hits] == ["title", "kw", "desc"]
    assert result.hits[0].score > result.hits[1].score > result.hits[2].score


def test_snippet_shows_the_matching_passage(finder):
    long = "Background text. " * 30 + "The cohort includes epilepsy patients. " + "More. " * 30
    finder.add(record("long", title={"en": "Neuro cohort"}, description={"en": long}))
    hit = finder("epilepsy").hits[0]
    assert "epilepsy" in hit.description_snippet
    assert hit.description_snippet.startswith("…") and len(hit.description_snippet) < 260


def test_no_words_lists_everything(corpus):
    assert corpus("").total == 10


def test_query_syntax_never_breaks_the_engine(corpus):
    for text in ['"', '"unclosed phrase', "-", "*", "a*b", "NOT AND OR", "'; drop table x; --",
                 "(((", "NEAR(a b)", "title:heart", "^heart", "-*"]:
        corpus(text)  # must not raise
