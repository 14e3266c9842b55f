"""Saved profiles (kimed.catalog.suitability.saved) on SQLite and PostgreSQL: save, list, rename,
delete, the rules with their fields, owners kept apart, and the migration that holds them."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kimed.accounts import service
from kimed.accounts.models import User
from kimed.catalog.suitability import profile_from_params
from kimed.catalog.suitability.saved import (
    MAX_NAME,
    SavedProfile,
    SavedProfileError,
    SavedProfileNotFound,
    delete_profile,
    get_profile,
    list_profiles,
    rename_profile,
    save_profile,
)
from kimed.db import Base, Database, alembic_config

PASSWORD = "correct horse battery"
QUERY = "cond=I63,EHRS&age_min=18&age_max=80&place=DEU&purpose=e"


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    database.migrate()
    with database.session() as session:
        for name in ("ann", "bob"):
            service.create_user(session, name, f"{name}@example.org", PASSWORD, role="reader")
    yield database
    database.dispose()


def uid(session, name: str) -> int:
    return session.scalar(sa.select(User.id).where(User.username == name))


def test_save_list_rename_delete(db):
    with db.session() as s:
        ann = uid(s, "ann")
        # blank and repeated parameters are dropped: the stored query is the short link
        row = save_profile(s, ann, "  Stroke adults  ", "?" + QUERY + "&sex=&min_n=&var=")
        assert row.name == "Stroke adults"
        assert row.url == "/suitability?" + row.params
        stored = profile_from_params(parse_qs(row.params))
        assert stored == profile_from_params(parse_qs(QUERY))
        assert "sex=" not in row.params and "min_n" not in row.params
        save_profile(s, ann, "Another", "cond=E11")
        first_id = row.id
    with db.session() as s:
        ann = uid(s, "ann")
        assert [p.name for p in list_profiles(s, ann)] == ["Another", "Stroke adults"]
        assert list_profiles(s, uid(s, "bob")) == []
        data = get_profile(s, ann, first_id).to_dict()
        assert data["url"].startswith("/suitability?cond=I63,EHRS")
        assert data["created_at"].endswith("+00:00")
        before = get_profile(s, ann, first_id).updated_at
        renamed = rename_profile(s, ann, first_id, "Stroke, 18 to 80")
        assert renamed.name == "Stroke, 18 to 80"
    with db.session() as s:
        ann = uid(s, "ann")
        row = get_profile(s, ann, first_id)
        assert row.name == "Stroke, 18 to 80"
        assert row.updated_at.replace(tzinfo=None) >= before.replace(tzinfo=None)
        delete_profile(s, ann, first_id)
    with db.session() as s:
        assert [p.name for p in list_profiles(s, uid(s, "ann"))] == ["Another"]


@pytest.mark.parametrize(("name", "params", "field", "rule"), [
    ("", QUERY, "name", "non-empty name"),
    ("   ", QUERY, "name", "non-empty name"),
    ("x" * (MAX_NAME + 1), QUERY, "name", f"name of at most {MAX_NAME} characters"),
    ("bad age", "age_min=70&age_max=30", "params.population.age_min", "age_min <= age_max"),
    ("bad code", "cond=XYZ", "params.conditions[0]", None),
    ("bad flag", "commercial=maybe", "params.access.commercial", "boolean"),
    ("bad weight", "cond=I63&w_period=-1", "params.weights.period", None),
    ("empty", "lang=de&ids=a", "params", "non-empty profile"),
])
def test_refusals_name_field_and_rule(db, name, params, field, rule):
    with db.session() as s:
        with pytest.raises(SavedProfileError) as info:
            save_profile(s, uid(s, "ann"), name, params)
        assert info.value.field == field
        assert info.value.rule and (rule is None or info.value.rule == rule)
        assert str(info.value).startswith(f"{field}: ")
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(SavedProfile)) == 0


def test_name_at_the_limit_is_accepted(db):
    with db.session() as s:
        assert len(save_profile(s, uid(s, "ann"), "y" * MAX_NAME, QUERY).name) == MAX_NAME


def test_names_are_unique_per_user_only(db):
    with db.session() as s:
        ann, bob = uid(s, "ann"), uid(s, "bob")
        save_profile(s, ann, "Stroke", QUERY)
        other = save_profile(s, ann, "Diabetes", "cond=E11")
        save_profile(s, bob, "Stroke", QUERY)  # another user may use the same name
        with pytest.raises(SavedProfileError) as info:
            save_profile(s, ann, "Stroke", "cond=E11")
        assert (info.value.field, info.value.rule) == ("name", "unique name per user")
        with pytest.raises(SavedProfileError) as info:
            rename_profile(s, ann, other.id, " Stroke ")
        assert info.value.rule == "unique name per user"
        assert rename_profile(s, ann, other.id, "Diabetes").name == "Diabetes"  # unchanged: ok


def test_owners_are_kept_apart(db):
    with db.session() as s:
        row = save_profile(s, uid(s, "ann"), "Stroke", QUERY)
        ann_profile, bob = row.id, uid(s, "bob")
    with db.session() as s:
        for action in (lambda: get_profile(s, bob, ann_profile),
                       lambda: rename_profile(s, bob, ann_profile, "mine now"),
                       lambda: delete_profile(s, bob, ann_profile),
                       lambda: get_profile(s, bob, ann_profile + 1000)):
            with pytest.raises(SavedProfileNotFound):
                action()
    with db.session() as s:
        assert get_profile(s, uid(s, "ann"), ann_profile).name == "Stroke"


def test_deleting_a_user_deletes_their_profiles(db):
    with db.session() as s:
        save_profile(s, uid(s, "ann"), "Stroke", QUERY)
        save_profile(s, uid(s, "bob"), "Stroke", QUERY)
    with db.engine.begin() as conn:  # the database's ON DELETE CASCADE, not the ORM
        conn.execute(sa.text("DELETE FROM users WHERE username = 'ann'"))
    with db.session() as s:
        assert [p.user_id for p in s.scalars(sa.select(SavedProfile))] == [uid(s, "bob")]


def test_migration_matches_the_model_and_downgrades(db):
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "suitability_profiles" in repr(d)] == []
    config = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert "suitability_profiles" not in sa.inspect(db.engine).get_table_names()
    assert "users" in sa.inspect(db.engine).get_table_names()
    db.migrate()
    assert "suitability_profiles" in sa.inspect(db.engine).get_table_names()
