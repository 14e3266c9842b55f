"""Vocabulary labels and publisher names are matched through facet values (search.labels)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from kimed.catalog.search import SearchQuery, search
from kimed.catalog.search.expression import Alt, parse
from kimed.catalog.search.labels import LabelIndex, value_phrases
from kimed.catalog.search.memory import PENDING, generation
from kimed.db import Database, current_revision, head_revision
from tests.catalog.search.conftest import CS, HC, AgentRef, record

HT = "https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/"


def _index() -> LabelIndex:
    agent = json.dumps({"iri": "https://org.example/a", "name": {"en": "Heart Institute",
                                                                   "de": "Herzinstitut"}})
    return LabelIndex.build([
        (1, "coding_system", f"{CS}SNOMED-CT", None),
        (2, "health_category", f"{HC}EHRS", None),
        (3, "publisher", "https://org.example/a", agent),
        (4, "language", "http://publications.europa.eu/resource/authority/language/DEU", None),
        (5, "theme", "https://unknown.example/concept", None),
    ])


def test_label_phrases_of_concepts_and_publishers():
    assert ("snome", "ct") in value_phrases("coding_system", f"{CS}SNOMED-CT", None)
    assert value_phrases("theme", "https://unknown.example/x", None) == ()
    assert value_phrases("language", f"{CS}SNOMED-CT", None) == ()  # not a labelled facet
    index = _index()
    assert set(index.phrases) == {1, 2, 3}


def test_words_phrases_and_prefixes_in_labels():
    index = _index()
    assert index.clause_values(parse("SNOMED").positive[0]) == {1}
    assert index.clause_values(parse('"snomed ct"').positive[0]) == {1}
    assert index.clause_values(parse("herzinst*").positive[0]) == {3}
    assert index.alt_values(Alt(("heart", "institut"))) == {3}
    # a phrase must lie within one label: the English and German names are two labels
    assert index.alt_values(Alt(("institut", "herzinstitut"))) == set()
    assert index.clause_values(parse("asthma").positive[0]) == set()


def test_records_found_by_their_concepts_labels_and_publisher(finder):
    finder.add(
        record("s1", title={"en": "Outpatient data"}, coding_systems=[f"{CS}SNOMED-CT"]),
        record("s2", title={"en": "Claims"}, health_themes=[f"{HT}ANTIMICROBIAL_CONTROL"]),
        record("s3", title={"en": "Registry"},
               publisher=AgentRef(iri="https://org.example/h", name={"de": "Herzzentrum Nord"})),
        record("s4", title={"en": "Registry of resistance"}),
    )
    assert finder.idset("SNOMED") == {"s1"}
    assert finder.idset("Infektionskontrolle") == {"s2"}
    assert finder.idset("Herzzentrum") == {"s3"}
    assert finder.idset("registry Herzzentrum") == {"s3"}
    assert finder.idset("registry -Herzzentrum") == {"s4"}
    assert finder.idset("-SNOMED") == {"s2", "s3", "s4"}


def test_own_words_rank_above_label_matches(finder):
    finder.add(
        record("t1", title={"en": "Outpatient data"}, coding_systems=[f"{CS}SNOMED-CT"]),
        record("t2", title={"en": "SNOMED mapping of outpatient data"}),
        record("t3", title={"en": "Ward data"}, coding_systems=[f"{CS}SNOMED-CT"]),
    )
    ranked = finder.ids("snomed")
    assert ranked[0] == "t2" and set(ranked[1:]) == {"t1", "t3"}
    assert finder.ids("snomed outpatient") == ["t2", "t1"]


def test_upgrade_to_0005_rebuilds_the_index_on_first_use(database_url):
    from alembic import command

    from kimed.db import alembic_config

    db = Database(database_url)
    config = alembic_config(database_url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    projection = record("old-1", title={"en": "Stroke registry"},
                        coding_systems=[f"{CS}SNOMED-CT"]).model_dump(mode="json")
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO datasets (iri, identifier, title, graph_nt, projection, findings, "
            "access_rights, publisher, created_at, updated_at) VALUES (:iri, :ident, :title, '', "
            ":p, '[]', NULL, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"iri": projection["iri"], "ident": "old-1", "title": "Stroke registry",
             "p": json.dumps(projection)})
    db.migrate()
    assert current_revision(db.engine) == head_revision()
    with db.session() as session:
        assert generation(session) == PENDING
        result = search(session, SearchQuery(text="SNOMED"))
        assert [h.identifier for h in result.hits] == ["old-1"]
        assert generation(session) != PENDING
    db.dispose()
