"""The JSON API with the real app and a real graph (the seed page and samples/)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsgraph.api import routes
from newsgraph.graph import queries

BYD_JV = {"BYD", "KG Mobility"}


def _entity_id(client: TestClient, name: str) -> int:
    hits = client.get("/api/search", params={"q": name}).json()["entities"]
    return next(h["id"] for h in hits if h["name"] == name)


def _byd_partnership(client: TestClient) -> dict[str, Any]:
    profile = client.get(f"/api/entities/{_entity_id(client, 'BYD')}").json()
    return next(f for f in profile["facts"]["PARTNERSHIP"]
                if set(f["roles"]["partners"]) == BYD_JV)


def _wait(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    for _ in range(600):  # a bound, not a timing assertion: the model may be loading
        job = client.get(f"/api/jobs/{job['id']}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job never ended: {job}")


def test_stats_count_the_ingested_graph(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["documents"] >= 20 and stats["facts"] > 20 and stats["entities"] > 40


def test_search_finds_the_entity_and_the_documents(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "BYD"}).json()
    assert found["entities"][0]["name"] == "BYD"
    assert found["entities"][0]["country"] == "China"
    assert any(d["input"] == "battery-jv-page.txt" for d in found["documents"])
    assert client.get("/api/search", params={"q": "kg mob"}).json()["entities"][0]["name"] == (
        "KG Mobility")  # a prefix of a name
    assert client.get("/api/search", params={"q": '" OR * NEAR('}).status_code == 200


def test_entity_profile_has_the_joint_venture_in_talks(client: TestClient) -> None:
    fact = _byd_partnership(client)
    assert (fact["status"], fact["certainty"]) == ("talks", "reported")
    assert fact["attributes"]["kind"] == "joint_venture"
    assert len(fact["role_ids"]["partners"]) == 2
    assert "advanced talks" in fact["history"][0]["evidence"][0]


def test_entity_timeline_graph_and_network(client: TestClient) -> None:
    corvane = _entity_id(client, "Corvane Cells")
    events = client.get(f"/api/entities/{corvane}/timeline").json()["events"]
    days = [e["reported"] for e in events]
    assert days == sorted(days) and len(days) >= 3
    graph = client.get(f"/api/entities/{corvane}/graph").json()
    labels = {n["label"] for n in graph["nodes"] if n["kind"] == "entity"}
    assert {"Corvane Cells", "Meridia Auto"} <= labels
    assert all(e["fact"].startswith("f") and e["entity"].startswith("e") for e in graph["edges"])
    edges = client.get(f"/api/entities/{corvane}/network").json()["edges"]
    assert any(e["customer"] == "Meridia Auto" for e in edges)


def test_facts_filter_by_role_and_status_as_of_a_day(client: TestClient) -> None:
    params = {"type": "SUPPLY", "role": "supplier=Corvane Cells"}
    now = client.get("/api/facts", params=params).json()["facts"]
    before = client.get("/api/facts", params={**params, "as_of": "2024-12-31"}).json()["facts"]
    assert [f["roles"]["customer"] for f in now] == [["Meridia Auto"]]
    assert before[0]["status"] == "talks" and now[0]["status"] != "talks"
    assert len(before[0]["history"]) == 1 and len(now[0]["history"]) == 3


def test_facts_filter_by_certainty_and_report_dates(client: TestClient) -> None:
    reported = client.get("/api/facts", params={"certainty": "reported"}).json()["facts"]
    assert reported and all(f["certainty"] == "reported" for f in reported)
    window = {"reported_from": "2025-01-01", "reported_to": "2025-12-31"}
    in_2025 = client.get("/api/facts", params=window).json()["facts"]
    assert in_2025 and all(any("2025" <= s["reported"][:4] <= "2025" for s in f["history"])
                           for f in in_2025)


def test_facts_are_paged(client: TestClient) -> None:
    first = client.get("/api/facts", params={"limit": 5}).json()
    second = client.get("/api/facts", params={"limit": 5, "offset": 5}).json()
    assert first["more"] and len(first["facts"]) == 5
    assert not {f["id"] for f in first["facts"]} & {f["id"] for f in second["facts"]}


@pytest.mark.parametrize("params", [{"type": "MERGER"}, {"status": "done"},
                                    {"role": "nobody=BYD"}, {"as_of": "yesterday"},
                                    {"limit": 0}, {"offset": -1}])
def test_bad_filters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/api/facts", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_a_type_filter_lists_the_same_however_it_reads(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    params = {"type": "MARKET_MOVE", "limit": 1000}
    whole = [f["id"] for f in client.get("/api/facts", params=params).json()["facts"]]
    monkeypatch.setattr(queries, "BATCH", 2)  # tiny batches: the scan turns to the type's index
    monkeypatch.setattr(queries, "TYPE_SCAN", 2)
    assert [f["id"] for f in client.get("/api/facts", params=params).json()["facts"]] == whole
    assert len(whole) >= 5 and whole == sorted(whole)


def test_empty_fields_of_a_form_filter_nothing(client: TestClient) -> None:
    empty = {"type": "", "status": "", "certainty": "", "reported_from": "", "as_of": ""}
    assert client.get("/api/facts", params=empty).json() == client.get("/api/facts").json()


def test_unknown_entity_in_a_role_filter_matches_nothing(client: TestClient) -> None:
    found = client.get("/api/facts", params={"role": "supplier=Nobody Inc"}).json()
    assert found["facts"] == [] and not found["more"]


def test_fact_history_with_evidence(client: TestClient) -> None:
    fact_id = client.get("/api/facts", params={"type": "SUPPLY", "role": "supplier=Corvane Cells"}
                         ).json()["facts"][0]["id"]
    fact = client.get(f"/api/facts/{fact_id}").json()
    assert fact["history"][0]["status"] == "talks"
    assert all(s["evidence"] and s["document"].startswith("sha256:") for s in fact["history"])


@pytest.mark.parametrize("path", ["/api/facts/999999", "/api/entities/999999",
                                  "/api/entities/999999/timeline", "/api/entities/999999/graph",
                                  "/api/documents/sha256:nope", "/api/jobs/nope"])
def test_missing_things_are_404_with_a_reason(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and "no " in response.json()["detail"]


def test_document_spans_cover_their_text(client: TestClient) -> None:
    fact = _byd_partnership(client)
    doc_id = fact["history"][0]["document"]
    doc = client.get(f"/api/documents/{doc_id}", params={"fact": fact["id"]}).json()
    text = doc["text"]
    assert doc["input"] == "battery-jv-page.txt" and doc["kind"] == "article"
    assert all(text[m["start"]:m["end"]] == m["text"]
               for e in doc["entities"] for m in e["mentions"])
    assert all(text[s["start"]:s["end"]] == s["text"] for f in doc["facts"] for s in f["evidence"])
    assert doc["target"] and "advanced talks" in doc["target"][0]["text"]
    byd = next(e for e in doc["entities"] if e["name"] == "BYD")
    assert byd["entity_id"] == _entity_id(client, "BYD")
    assert any(f["fact_id"] == fact["id"] for f in doc["facts"])


def test_changes_since_a_day(client: TestClient) -> None:
    changes = client.get("/api/changes", params={"since": "2025-01-01"}).json()
    kinds = {c["kind"] for c in changes}
    assert "status" in kinds  # Corvane's supply deal moved on from talks
    assert [c["fact"]["reported"] for c in changes] == sorted(
        (c["fact"]["reported"] for c in changes), reverse=True)


def test_changes_over_too_many_facts_ask_for_a_later_day(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "MAX_CHANGED_FACTS", 3)
    response = client.get("/api/changes", params={"since": "2000-01-01"})
    assert response.status_code == 400 and "later date" in response.json()["detail"]


def test_extract_pasted_text_without_storing(client: TestClient) -> None:
    before = client.get("/api/stats").json()
    text = "Corvane Cells is in talks to supply battery cells to Tavrio Motors."
    found = client.post("/api/extract", data={"text": text}).json()
    assert found[0]["doc"]["text"] == text
    assert any(f["type"] == "SUPPLY" and f["status"] == "talks" for f in found[0]["facts"])
    assert client.get("/api/stats").json() == before


def test_ingest_pasted_text_as_a_job(writable: TestClient) -> None:
    text = ("Halvren Motors has agreed to buy battery cells from Corvane Cells, the two "
            "companies said on Monday.")
    response = writable.post("/api/ingest", data={"text": text, "published": "2026-02-02"})
    assert response.status_code == 202
    assert response.headers["location"] == f"/api/jobs/{response.json()['id']}"
    job = _wait(writable, response.json())
    assert job["status"] == "done" and job["pages_total"] == job["pages_done"] == 1
    assert job["report"]["documents_new"] == 1 and job["errors"] == []
    doc = writable.get(f"/api/documents/{job['documents'][0]}").json()
    assert doc["published"] == "2026-02-02" and doc["text"] == text
    assert writable.get("/api/search", params={"q": "Halvren"}).json()["entities"]


def test_ingest_an_uploaded_file_as_a_job(writable: TestClient) -> None:
    data = b"Varnel Lithium will supply lithium to Orsk Batteries, Varnel said on Tuesday.\n"
    response = writable.post("/api/ingest", files={"file": ("../../etc/deal.txt", data)})
    job = _wait(writable, response.json())
    assert job["input"] == "deal.txt" and job["status"] == "done"
    assert writable.get(f"/api/documents/{job['documents'][0]}").json()["input"] == "deal.txt"


def test_an_unreadable_upload_ends_the_job_with_its_reason(writable: TestClient) -> None:
    response = writable.post("/api/ingest", files={"file": ("x.bin", bytes(range(256)) * 40)})
    job = _wait(writable, response.json())
    assert job["status"] == "done" and job["documents"] == []
    assert job["errors"] and job["errors"][0].startswith("x.bin: ")


@pytest.mark.parametrize("data", [{}, {"text": "a", "url": "https://example.test/"}])
def test_ingest_takes_exactly_one_source(client: TestClient, data: dict[str, str]) -> None:
    response = client.post("/api/ingest", data=data)
    assert response.status_code == 400 and "exactly one" in response.json()["detail"]


def test_ingest_refuses_urls_that_are_not_web_addresses(client: TestClient) -> None:
    response = client.post("/api/ingest", data={"url": "file:///etc/passwd"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/news", "http://169.254.169.254/latest",
                                 "http://[::1]/", "http://10.0.0.1/"])
def test_url_jobs_never_reach_private_addresses(writable: TestClient, url: str) -> None:
    job = _wait(writable, writable.post("/api/ingest", data={"url": url}).json())
    assert job["status"] == "done" and job["documents"] == []
    assert "non-public address" in job["errors"][0]


def test_too_long_pasted_text_is_413(client: TestClient) -> None:
    text = "word " * (routes.limits.TEXT_CHARS // 5 + 1)
    for path in ("/api/extract", "/api/ingest"):
        response = client.post(path, data={"text": text})
        assert response.status_code == 413, path
        assert "upload it as a file" in response.json()["detail"]


def test_uploads_over_the_limit_are_413_before_they_are_read(client: TestClient) -> None:
    big = b"x" * (routes.limits.UPLOAD_BYTES + 1)
    response = client.post("/api/ingest", files={"file": ("big.txt", big)})
    assert response.status_code == 413
    assert "larger than the 20 MB limit" in response.json()["detail"]


def test_bodies_without_a_length_are_counted_as_they_arrive(client: TestClient) -> None:
    def chunks():  # a generator: the client sends it chunked, with no Content-Length
        for _ in range(3):
            yield b"y" * (routes.limits.BODY_BYTES // 2)

    response = client.post("/api/extract", content=chunks(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "limit" in response.json()["detail"]


def test_the_openapi_schema_lists_the_api(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/search", "/api/entities/{entity_id}", "/api/entities/{entity_id}/timeline",
                 "/api/facts", "/api/facts/{fact_id}", "/api/documents/{doc_id}",
                 "/api/changes", "/api/ingest", "/api/jobs/{job_id}"):
        assert path in paths
    assert not any(p.startswith(("/entities", "/facts")) for p in paths)  # pages stay out
