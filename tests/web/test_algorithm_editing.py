"""Editing algorithms in the Portal: who may open and post the forms, saving a change (page,
stored graph, search), violations and unknown codes shown on their field with nothing written,
replacing and creating from a file, deleting after a confirmation, and CSRF."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from rdflib import URIRef
from rdflib.compare import graph_diff, isomorphic

from kimed.accounts import service
from kimed.catalog.algorithms.demo import demo_files
from kimed.catalog.algorithms.models import AlgorithmDatasetRow, AlgorithmRow
from kimed.catalog.rdfio import from_ntriples
from kimed.db import Database
from tests.web.accounts import PASSWORD, create_users, csrf_of, login, new_client
from tests.web.html import Page, check_accessible

USB = "https://w3id.org/kimed/agent/usb-radiology"
TOTALSEG = "/algorithms/kimed-alg:totalsegmentator"
TOTALSEG_MRI = "/algorithms/kimed-alg:totalsegmentator-mri"
NNUNET = "/algorithms/kimed-alg:nnunet"
DEMO = {p.stem: p for p in demo_files()}
TASKS = "https://w3id.org/kimed/vocab/ai-tasks/"
DCM = "http://dicom.nema.org/resources/ontology/DCM/"
LISTS = ("tasks", "task_types", "input_modalities", "health_categories", "regulatory_classes",
         "licenses", "repositories")
WHO = ("admin", "provider", "foreign", "reader")


@pytest.fixture(scope="module")
def browsers(portal, portal_url):
    """A logged-in browser per account: admin, the provider bound to USB's radiology clinic
    (TotalSegmentator), a data holder bound elsewhere, a reader; and an anonymous one."""
    create_users(portal_url)
    database = Database(portal_url)
    with database.session() as session:
        service.create_user(session, "provider", "provider@example.org", PASSWORD,
                            role="data_holder", publishers=[USB])
        service.issue_token(session, "provider", "tests", timedelta(days=1))
    database.dispose()
    out = {}
    for name in WHO:
        out[name] = new_client(portal)
        assert login(out[name], name).status_code == 303
    out["anonymous"] = new_client(portal)
    return out


def snapshot(url: str) -> list[tuple]:
    """Every algorithm row's graph and findings, and every dataset link."""
    database = Database(url)
    with database.session() as session:
        rows = session.execute(sa.select(AlgorithmRow.iri, AlgorithmRow.graph_nt,
                                         AlgorithmRow.title, AlgorithmRow.violations)
                               .order_by(AlgorithmRow.iri)).all()
        links = session.execute(sa.select(AlgorithmDatasetRow.algorithm_id,
                                          AlgorithmDatasetRow.relation,
                                          AlgorithmDatasetRow.target_iri).order_by(
            AlgorithmDatasetRow.algorithm_id, AlgorithmDatasetRow.target_iri,
            AlgorithmDatasetRow.relation)).all()
    database.dispose()
    return [tuple(r) for r in rows] + [tuple(r) for r in links]


def stored_graph(url: str, identifier: str):
    database = Database(url)
    with database.session() as session:
        nt = session.scalar(sa.select(AlgorithmRow.graph_nt).where(
            AlgorithmRow.identifier == identifier))
    database.dispose()
    return from_ntriples(nt)


def form_of(html: str) -> dict[str, object]:
    """What a browser sends for the edit form: multiple selects, checkbox groups and repeated
    inputs as lists (empty boxes included, as a browser sends them)."""
    page = Page(html)
    form = next(f for f in page.find("form") if f.attrs.get("class") == "edit-form")
    values: dict[str, object] = {name: [] for name in LISTS}

    def walk(element):
        for child in element.children:
            yield child
            yield from walk(child)

    for element in walk(form):
        name = element.attrs.get("name")
        if not name:
            continue
        if element.tag == "input" and element.attrs.get("type") == "checkbox":
            if "checked" in element.attrs and name in LISTS:
                values[name].append(element.attrs.get("value", "on"))
        elif element.tag == "input":
            if name in LISTS:
                values[name].append(element.attrs.get("value", ""))
            else:
                values[name] = element.attrs.get("value", "")
        elif element.tag == "textarea":
            values[name] = element.text.removeprefix("\n")
        elif element.tag == "select":
            chosen = [o.attrs.get("value", "") for o in element.children
                      if o.tag == "option" and "selected" in o.attrs]
            values[name] = chosen if name in LISTS else (chosen[0] if chosen else "")
    return values


def edit(browser, path: str, **changes):
    page = browser.get(path + "/edit")
    assert page.status_code == 200, page.text[:300]
    values = form_of(page.text)
    values.update(changes)
    return browser.post(path + "/edit", data=values, follow_redirects=False)


def errors_in(html: str, group: str) -> list[str]:
    """The error messages shown next to a field group (none when it has no problem list)."""
    blocks = [e for e in Page(html).elements if e.attrs.get("id") == f"err-{group}"]
    return [c.text for b in blocks for c in b.children
            if "field-error" in c.attrs.get("class", "")]


def copy_of(name: str, stem: str = "totalsegmentator") -> str:
    """A demo record under a new IRI and identifier (same provider)."""
    return DEMO[stem].read_text().replace(
        f"https://w3id.org/kimed/algorithm/{stem}", f"https://w3id.org/kimed/algorithm/{name}"
    ).replace(f'"kimed-alg:{stem}"', f'"kimed-alg:{name}"')


def upload(browser, path: str, content: str | bytes, filename: str = "record.ttl",
           fmt: str = "auto", token: str | None = "page"):
    data = {"format": fmt}
    if token == "page":
        data["csrf_token"] = csrf_of(browser.get(path).text)
    elif token:
        data["csrf_token"] = token
    body = content.encode() if isinstance(content, str) else content
    return browser.post(path, data=data, files={"file": (filename, body, "text/plain")},
                        follow_redirects=False)


# -- who may -------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("admin", 200), ("provider", 200), ("foreign", 403),
                                         ("reader", 403), ("anonymous", 303)])
def test_who_may_open_the_forms(browsers, who, status):
    for action in ("edit", "replace", "delete"):
        answer = browsers[who].get(f"{TOTALSEG}/{action}", follow_redirects=False)
        assert answer.status_code == status, (action, answer.text[:200])
        if status == 303:
            assert answer.headers["location"].startswith("/login?next=")
        if status == 403:
            assert "may not" in Page(answer.text).text()
    new = browsers[who].get("/algorithms/new", follow_redirects=False).status_code
    assert new == {"admin": 200, "provider": 200, "foreign": 200, "reader": 403,
                   "anonymous": 303}[who]


@pytest.mark.parametrize("who", ["foreign", "reader", "anonymous"])
def test_others_cannot_post(browsers, portal_url, who):
    before = snapshot(portal_url)
    values = form_of(browsers["admin"].get(TOTALSEG + "/edit").text)
    browser = browsers[who]
    values["csrf_token"] = csrf_of(browser.get("/login" if who == "anonymous" else "/").text)
    values["title_en"] = "Taken over"
    answer = browser.post(TOTALSEG + "/edit", data=values, follow_redirects=False)
    assert answer.status_code == (303 if who == "anonymous" else 403)
    token = values["csrf_token"]
    for action in ("replace", "delete"):
        answer = (upload(browser, f"{TOTALSEG}/{action}", copy_of("totalsegmentator"),
                         token=token) if action == "replace" else
                  browser.post(f"{TOTALSEG}/delete", data={"csrf_token": token},
                               follow_redirects=False))
        assert answer.status_code == (303 if who == "anonymous" else 403)
    assert snapshot(portal_url) == before


def test_edit_buttons_only_for_those_who_may(browsers):
    for who in ("admin", "provider"):
        html = browsers[who].get(TOTALSEG).text
        for action in ("edit", "replace", "delete"):
            assert f'href="{TOTALSEG}/{action}"' in html
    for who in ("foreign", "reader", "anonymous"):
        assert f"{TOTALSEG}/edit" not in browsers[who].get(TOTALSEG).text
    # the provider of TotalSegmentator sees no button on a record of another provider
    assert f"{NNUNET}/edit" not in browsers["provider"].get(NNUNET).text
    assert "/algorithms/new" in browsers["provider"].get("/algorithms").text
    assert "/algorithms/new" not in browsers["reader"].get("/algorithms").text


def test_the_form_shows_the_record_in_both_languages(browsers):
    html = browsers["provider"].get(TOTALSEG + "/edit").text
    check_accessible(Page(html))
    values = form_of(html)
    assert values["title_en"] == "TotalSegmentator (CT, 104 structures)"
    assert values["version"] == "1.5.7"
    assert values["tasks"] == [TASKS + "segmentation"]
    assert values["licenses"] == ["https://www.apache.org/licenses/LICENSE-2.0", ""]
    assert Page(html).one("select", id="in-tasks").attrs.get("multiple") is not None
    german = browsers["provider"].get(TOTALSEG + "/edit?lang=de").text
    assert "Vorgesehene Verwendung (Deutsch)" in german and "Segmentierung" in german
    check_accessible(Page(german))
    browsers["provider"].get("/?lang=en")  # the language cookie stays with the browser


# -- saving --------------------------------------------------------------------------------------

def test_an_unchanged_form_keeps_the_graph(browsers, portal_url):
    before = stored_graph(portal_url, "kimed-alg:nnunet")
    answer = edit(browsers["admin"], NNUNET)
    assert answer.status_code == 303 and answer.headers["location"] == NNUNET
    assert isomorphic(stored_graph(portal_url, "kimed-alg:nnunet"), before)


def test_saving_changes_the_page_the_graph_and_search(browsers, portal_url):
    before = stored_graph(portal_url, "kimed-alg:totalsegmentator-mri")
    answer = edit(browsers["provider"], TOTALSEG_MRI, title_en="TotalSegmentator Quokka edition",
                  version="2.9.1", tasks=["segmentation", "detection"],
                  input_modalities=[DCM + "MR"], keywords_de="Ganzkörper\nMRT",
                  runnable_in_spe="true", pipeline="totalseg-mri")
    assert answer.status_code == 303, errors_of_page(answer.text)
    page = browsers["anonymous"].get(TOTALSEG_MRI).text
    assert "TotalSegmentator Quokka edition" in Page(page).one("h1").text
    assert "2.9.1" in page
    record = browsers["anonymous"].get("/api" + TOTALSEG_MRI).json()["record"]
    assert record["version"] == "2.9.1" and record["pipeline"] == "totalseg-mri"
    assert sorted(record["tasks"]) == [TASKS + "detection", TASKS + "segmentation"]
    assert record["runnable_in_spe"] is True
    hits = browsers["anonymous"].get("/api/datasets", params={"q": "Quokka", "type": "algorithm"})
    assert [h["links"]["html"].removeprefix("http://testserver") for h in hits.json()["hits"]] \
        == [TOTALSEG_MRI]
    assert "TotalSegmentator Quokka edition" in browsers["anonymous"].get(
        "/search", params={"q": "quokka"}).text
    # only the edited properties changed; files, datasets, evaluation and the rest are as before
    after = stored_graph(portal_url, "kimed-alg:totalsegmentator-mri")
    _both, removed, added = graph_diff(before, after)
    edited = {"title", "version", "task", "classification", "keyword", "runnableInSPE",
              "pipeline", "type"}
    for _s, p, _o in [*removed, *added]:
        assert re.split(r"[#/]", str(p))[-1] in edited, p
    assert (None, URIRef("http://data.europa.eu/it6/hasFile"), None) in after


def errors_of_page(html: str) -> list[str]:
    return [e.text for e in Page(html).elements if "field-error" in e.attrs.get("class", "")]


def test_a_violation_is_shown_on_its_field_and_nothing_is_saved(browsers, portal_url):
    before = snapshot(portal_url)
    answer = edit(browsers["provider"], TOTALSEG, title_en="", title_de="", version="")
    assert answer.status_code == 422
    assert any("dct:title" in e for e in errors_in(answer.text, "title"))
    assert any("dcat:version" in e for e in errors_in(answer.text, "version"))
    page = Page(answer.text)
    assert page.one("input", id="in-title_en").attrs.get("aria-invalid") == "true"
    assert page.by_id("form-errors") and page.find("input", id="in-save_with_findings")
    assert snapshot(portal_url) == before
    fixed = edit(browsers["provider"], TOTALSEG, version="")
    assert fixed.status_code == 422
    assert not errors_in(fixed.text, "title") and errors_in(fixed.text, "version")
    assert snapshot(portal_url) == before


@pytest.mark.parametrize("field, value, rule", [
    ("tasks", ["nonsense"], "vocabulary ai-tasks"),
    ("input_modalities", [DCM + "NOPE"], "vocabulary dicom-modalities or ai-modalities"),
    ("regulatory_classes", ["MDR-IV"], "vocabulary regulatory-classes"),
])
def test_unknown_codes_are_refused_naming_field_and_rule(browsers, portal_url, field, value,
                                                        rule):
    before = snapshot(portal_url)
    answer = edit(browsers["provider"], TOTALSEG, **{field: value})
    assert answer.status_code == 422
    messages = errors_in(answer.text, field)
    assert messages and rule in messages[0] and repr(value[0]) in messages[0].replace("&#39;", "'")
    assert snapshot(portal_url) == before


def test_bad_values_are_errors_on_their_fields(browsers, portal_url):
    before = snapshot(portal_url)
    answer = edit(browsers["provider"], TOTALSEG, licenses=["not a url"])
    assert answer.status_code == 422
    assert "http(s) URL" in errors_in(answer.text, "licenses")[0]
    answer = edit(browsers["provider"], TOTALSEG, runnable_in_spe="true", pipeline="")
    assert answer.status_code == 422
    assert "kimed:pipeline" in errors_in(answer.text, "spe")[0]
    assert snapshot(portal_url) == before


def test_a_post_without_the_right_csrf_token_is_refused(browsers, portal_url):
    before = snapshot(portal_url)
    values = form_of(browsers["provider"].get(TOTALSEG + "/edit").text)
    values["title_en"] = "Changed without a token"
    for token in (None, "0" * 64):
        data = {k: v for k, v in values.items() if k != "csrf_token"}
        if token:
            data["csrf_token"] = token
        answer = browsers["provider"].post(TOTALSEG + "/edit", data=data, follow_redirects=False)
        assert answer.status_code == 403 and "security token" in answer.text
        assert upload(browsers["provider"], TOTALSEG + "/replace", copy_of("totalsegmentator"),
                      token=token).status_code == 403
        assert browsers["provider"].post(TOTALSEG + "/delete", data={"csrf_token": token or ""},
                                         follow_redirects=False).status_code == 403
    assert snapshot(portal_url) == before


# -- files and deleting --------------------------------------------------------------------------

def test_replace_from_a_file(browsers, portal_url):
    before = snapshot(portal_url)
    other = upload(browsers["provider"], TOTALSEG + "/replace", copy_of("elsewhere"))
    assert other.status_code == 422 and "not <https://w3id.org/kimed/algorithm/totalseg" in Page(
        other.text).text()
    broken = upload(browsers["provider"], TOTALSEG + "/replace", "<a> <b> .. nonsense")
    assert broken.status_code == 422 and Page(broken.text).by_id("form-errors")
    ill = DEMO["totalsegmentator"].read_text().replace(
        '"1.5.7"', '"1.5.7" ; mldcat:totalNumberOfParameters "many"^^xsd:nonNegativeInteger')
    refused = upload(browsers["provider"], TOTALSEG + "/replace", ill)
    assert refused.status_code == 422 and "many" in refused.text and "/tmp" not in refused.text
    assert snapshot(portal_url) == before
    changed = DEMO["totalsegmentator"].read_text().replace('"1.5.7"', '"1.5.9"')
    answer = upload(browsers["provider"], TOTALSEG + "/replace", changed)
    assert answer.status_code == 303 and answer.headers["location"] == TOTALSEG
    assert browsers["anonymous"].get("/api" + TOTALSEG).json()["record"]["version"] == "1.5.9"


def test_new_algorithms_from_a_file_and_deleting_them(browsers, portal_url):
    before = snapshot(portal_url)
    foreign = upload(browsers["foreign"], "/algorithms/new", copy_of("by-foreign"))
    assert foreign.status_code == 403 and USB in foreign.text
    monai = upload(browsers["provider"], "/algorithms/new",
                   copy_of("not-mine", "monai-brats-mri-segmentation"))
    assert monai.status_code == 403
    unnamed = upload(browsers["provider"], "/algorithms/new", copy_of("x"), filename="record.txt")
    assert unnamed.status_code == 422 and "choose the format" in unnamed.text
    assert snapshot(portal_url) == before
    created = upload(browsers["provider"], "/algorithms/new", copy_of("provider-web-copy"))
    assert created.status_code == 303
    path = created.headers["location"]
    assert path == "/algorithms/kimed-alg:provider-web-copy"
    assert f'href="{path}/edit"' in browsers["provider"].get(path).text
    again = upload(browsers["provider"], "/algorithms/new", copy_of("provider-web-copy"))
    assert again.status_code == 409
    confirm = browsers["provider"].get(path + "/delete")
    assert confirm.status_code == 200
    assert Page(confirm.text).one("form", action=path + "/delete").attrs["method"] == "post"
    assert browsers["provider"].get(path).status_code == 200  # nothing deleted by the GET
    gone = browsers["provider"].post(path + "/delete", data={"csrf_token": csrf_of(confirm.text)},
                                     follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/algorithms"
    assert browsers["provider"].get(path).status_code == 404
    assert snapshot(portal_url) == before


def test_a_model_card_replaces_by_upload(browsers):
    card = Path(__file__).parents[1] / "data" / "algorithms" / "hf-chest-xray" / "README.md"
    created = upload(browsers["admin"], "/algorithms/new", card.read_bytes(), "README.md")
    assert created.status_code == 303, created.text[-500:]
    path = created.headers["location"]
    assert "ViT chest X-ray classifier" in browsers["admin"].get(path).text
    changed = card.read_text().replace("ViT chest X-ray classifier", "ViT chest X-ray (v2)", 1)
    replaced = upload(browsers["admin"], path + "/replace", changed, "README.md", "modelcard")
    assert replaced.status_code == 303
    assert "ViT chest X-ray (v2)" in browsers["admin"].get(path).text
