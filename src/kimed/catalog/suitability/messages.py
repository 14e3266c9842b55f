"""The words of a check: what was asked (its requirement) and why the verdict is what it is (its
reason), each as a message key with parameters.

The core keeps the English text of every key here, for the CLI, Markdown and JSON exports. The web
pages translate the same keys (``suitability.req.<key>`` and ``suitability.reason.<key>`` in
``kimed/web/locales/*.toml``); a test checks that both catalogues hold every key below with the
same placeholders.
"""

from __future__ import annotations

# What the profile asked, per requirement key.
REQUIREMENTS: dict[str, str] = {
    "cond_icd10": "ICD-10 {code}",
    "cond_snomed": "SNOMED CT {code}",
    "cond_category": "health category {code}",
    "age_range": "age {lo}-{hi}",
    "age_from": "age {lo}+",
    "sex": "sex {sex}",
    "size": "at least {minimum} individuals",
    "place": "place {place}",
    "period": "period {period}",
    "data_type": "data type {type}",
    "standard": "standard {standard}",
    "variable": "variable {name}",
    "purpose": "purpose Art. 53(1){point}",
    "commercial": "commercial use",
    "cross_border": "cross-border use",
    "frequency": "updated {frequency}",
}

# Why a check has its verdict, per reason key.
REASONS: dict[str, str] = {
    "category_silent": "the record names no health category",
    "category_stated": "health category {code} is stated",
    "category_other": "the record's health categories do not include {code}",
    "code_found": "the code values include {code}",
    "code_system": "the data are coded in a system that can express the condition; whether it "
                   "occurs is not stated",
    "code_other": "the record lists its code values and {code} is not among them",
    "code_silent": "the record states no code values and no coding system for this code",
    "age_silent": "the record states no typical age range",
    "age_disjoint": "the dataset's age range does not overlap the wanted one",
    "age_covers": "the dataset's age range covers the wanted one",
    "age_overlap": "the age ranges overlap in part (or only one bound is stated)",
    "sex_silent": "the record has no population coverage text",
    "sex_named": "the population coverage names {sex} participants",
    "sex_other": "the population coverage restricts it to {other} participants",
    "sex_unsaid": "the population coverage does not say which sexes are included",
    "size_silent": "the record does not state the number of unique individuals",
    "size_enough": "{n} individuals",
    "size_short": "only {n} individuals",
    "place_silent": "the record has no dct:spatial",
    "place_covered": "the dataset covers this place",
    "place_part": "the dataset covers part of this place, or a larger area that contains it",
    "place_other": "dct:spatial names other places only",
    "period_silent": "the record has no dct:temporal with dates",
    "period_covers": "a period of the dataset covers the wanted one",
    "period_overlap": "the dataset's period overlaps the wanted one in part",
    "period_disjoint": "no period of the dataset overlaps the wanted one",
    "type_unstructured": "the record states that the data are not structured",
    "type_controlled": "a controlled value of the record names this kind of data",
    "type_keyword": "only a keyword suggests this kind of data",
    "type_silent": "the record does not say whether it holds this kind of data",
    "std_stated": "the record states it",
    "std_variant": "the record states a variant or a member of it",
    "std_other": "the record lists other values only",
    "std_silent": "the record does not state this property",
    "var_silent": "the record describes no variables",
    "var_listed": "the data dictionary lists it",
    "var_missing": "the data dictionary ({count} variables) does not list it",
    "purpose_public": "public data: no purpose has to be approved",
    "purpose_named": "a stated purpose names it",
    "purpose_general": "the stated purpose is research in general",
    "purpose_other": "the stated purposes do not include it",
    "purpose_ehds": "no purpose is stated, but the EHDS applies: a health data access body may "
                    "grant access for Art. 53 purposes",
    "purpose_silent": "the record states no purpose",
    "commercial_excluded": "a licence or purpose excludes commercial use",
    "commercial_allowed": "an open licence or a commercial purpose allows it",
    "commercial_silent": "no licence or purpose says whether commercial use is allowed",
    "border_public": "public data can be used anywhere",
    "border_ehds": "the EHDS applies: cross-border access goes through HealthData@EU and the "
                   "health data access bodies",
    "border_silent": "the record says nothing about use from other countries",
    "freq_silent": "the record does not state its update frequency",
    "freq_never": "the dataset is not updated",
    "freq_irregular": "the update frequency has no fixed period to compare",
    "freq_often": "updated {found}, at least as often as wanted",
    "freq_rarely": "updated {found}, less often than wanted",
}


def english(table: dict[str, str], key: str, params: dict) -> str:
    """The English text of ``key``; KeyError names the key and the table when it is unknown."""
    try:
        template = table[key]
    except KeyError:
        raise KeyError(f"no suitability message {key!r}") from None
    return template.format(**params)
