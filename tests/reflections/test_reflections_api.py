from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.reflections.conftest import T0, FrozenClock
from tests.reflections.helpers import (
    belief,
    created,
    etag,
    patch,
    person,
    prompts,
    rated,
    retire,
    start,
    submit,
)

STATEMENTS = (
    "People do their best work when they know why it matters.",
    "Trust is given first, not earned first.",
    "Bad news should travel faster than good news.",
)


def leader_with_beliefs(client: TestClient, tenant: Tenant) -> tuple[str, list[str]]:
    leader = person(client, tenant)
    return leader, [belief(client, tenant, leader, s) for s in STATEMENTS]


def test_template_fill_submit_then_immutable(
    client: TestClient, tenant: Tenant, clock: FrozenClock
) -> None:
    leader, beliefs = leader_with_beliefs(client, tenant)
    belief(client, tenant, leader, "Not yet sure of this one.", status="draft")
    other = person(client, tenant, "L-2")
    belief(client, tenant, other, "Someone else's belief.")

    response = start(client, tenant, leader, scope="team", from_template=True)
    assert response.status_code == 201, response.text
    reflection = response.json()
    assert reflection["id"].startswith("rfl_")
    assert response.headers["location"] == f"/v1/reflections/{reflection['id']}"
    assert response.headers["etag"] == '"1"'
    assert (reflection["status"], reflection["scope"]) == ("draft", "team")
    assert [e["belief_id"] for e in reflection["entries"]] == beliefs
    assert [e["statement"] for e in reflection["entries"]] == list(STATEMENTS)
    assert all(e["alignment"] is None for e in reflection["entries"])
    built_ins = prompts(client, tenant)
    assert len(built_ins) == 5
    assert [a["prompt_id"] for a in reflection["answers"]] == [p["id"] for p in built_ins]
    assert [a["prompt"] for a in reflection["answers"]] == [p["text"] for p in built_ins]
    assert all(a["answer"] is None for a in reflection["answers"])

    path = f"/v1/reflections/{reflection['id']}"
    answers = [
        {"prompt_id": a["prompt_id"], "answer": "Honestly: ..."} for a in reflection["answers"]
    ]
    filled = client.patch(
        path,
        json={"entries": rated(reflection, 3), "answers": answers, "notes": "A hard quarter."},
        headers=tenant.headers("write", **{"If-Match": response.headers["etag"]}),
    )
    assert filled.status_code == 200, filled.text
    assert filled.headers["etag"] == '"2"'
    assert [e["alignment"] for e in filled.json()["entries"]] == [3, 3, 3]
    assert filled.json()["answers"][0]["answer"] == "Honestly: ..."

    clock.advance(days=2)
    submitted = client.post(
        f"{path}/submit", headers=tenant.headers("write", **{"If-Match": '"2"'})
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] == (T0 + timedelta(days=2)).isoformat().replace(
        "+00:00", "Z"
    )
    assert submitted.headers["etag"] == '"3"'

    later = client.patch(
        path, json={"notes": "Edited later."}, headers=tenant.headers(**{"If-Match": '"3"'})
    )
    assert later.status_code == 409
    assert later.headers["content-type"] == "application/problem+json"
    assert "immutable" in later.json()["detail"]
    assert client.get(path, headers=tenant.headers()).json()["notes"] == "A hard quarter."
    gone = client.delete(path, headers=tenant.headers(**{"If-Match": '"3"'}))
    assert gone.status_code == 409
    assert submit(client, tenant, reflection["id"]).status_code == 409

    schedule = client.get(f"/v1/leaders/{leader}/reflection-schedule", headers=tenant.headers())
    body = schedule.json()
    assert body["last_submitted_at"] == submitted.json()["submitted_at"]
    assert body["next_due_at"] == (T0 + timedelta(days=92)).isoformat().replace("+00:00", "Z")
    assert body["overdue"] is False


def test_template_rows_can_be_filled_in_the_create_call(client: TestClient, tenant: Tenant) -> None:
    leader, beliefs = leader_with_beliefs(client, tenant)
    reflection = created(
        client,
        tenant,
        leader,
        from_template=True,
        entries=[{"belief_id": beliefs[1], "alignment": 5, "next_step": "Keep going."}],
    )
    assert [e["belief_id"] for e in reflection["entries"]] == beliefs
    assert [e["alignment"] for e in reflection["entries"]] == [None, 5, None]
    assert reflection["entries"][1]["next_step"] == "Keep going."


def test_without_template_a_reflection_holds_only_what_is_sent(
    client: TestClient, tenant: Tenant
) -> None:
    leader, beliefs = leader_with_beliefs(client, tenant)
    reflection = created(client, tenant, leader, entries=[{"belief_id": beliefs[2]}])
    assert [e["belief_id"] for e in reflection["entries"]] == [beliefs[2]]
    assert reflection["answers"] == []
    assert reflection["scope"] == "self"


def test_submit_needs_every_alignment_and_an_entry(client: TestClient, tenant: Tenant) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    reflection = created(client, tenant, leader, from_template=True)
    entries = rated(reflection)
    entries[0]["alignment"] = None
    del entries[2]["alignment"]
    assert patch(client, tenant, reflection["id"], entries=entries).status_code == 200
    response = submit(client, tenant, reflection["id"])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [
        "entries.0.alignment",
        "entries.2.alignment",
    ]
    empty = created(client, tenant, leader)
    response = submit(client, tenant, empty["id"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "entries"
    assert (
        client.get(f"/v1/reflections/{reflection['id']}", headers=tenant.headers()).json()["status"]
        == "draft"
    )


def test_entries_name_only_the_leaders_beliefs_active_in_the_period(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, clock: FrozenClock
) -> None:
    leader, (kept, retired_early, *_) = leader_with_beliefs(client, tenant)
    draft = belief(client, tenant, leader, "Still a draft.", status="draft")
    others = belief(client, tenant, person(client, tenant, "L-2"), "Not mine.")
    foreign = belief(client, other_tenant, person(client, other_tenant), "Other org.")
    clock.advance(days=30)  # 2026-02-09
    retire(client, tenant, retired_early)

    march = {"period_start": "2026-03-01", "period_end": "2026-03-31"}
    cases = [
        (retired_early, "retired before the period"),
        (draft, "never active"),
        (others, "of this leader"),
        (foreign, "of this leader"),
        ("blf_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "of this leader"),
    ]
    for belief_id, message in cases:
        response = start(client, tenant, leader, entries=[{"belief_id": belief_id}], **march)
        assert response.status_code == 422, belief_id
        (error,) = response.json()["errors"]
        assert error["field"] == "entries.0.belief_id"
        assert message in error["message"]

    december = {"period_start": "2025-12-01", "period_end": "2025-12-31"}
    early = start(client, tenant, leader, entries=[{"belief_id": kept}], **december)
    assert early.status_code == 422
    assert "became active after" in early.json()["errors"][0]["message"]

    twice = start(
        client, tenant, leader, entries=[{"belief_id": kept}, {"belief_id": kept}], **march
    )
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["field"] == "entries.1.belief_id"

    # Retired during the period: it was active for part of it, so it may be rated.
    february = {"period_start": "2026-02-01", "period_end": "2026-02-28"}
    ok = start(client, tenant, leader, entries=[{"belief_id": retired_early}], **february)
    assert ok.status_code == 201, ok.text
    # The template offers active beliefs only.
    template = created(client, tenant, leader, from_template=True, **february)
    assert retired_early not in [e["belief_id"] for e in template["entries"]]
    assert kept in [e["belief_id"] for e in template["entries"]]
    listed = client.get("/v1/reflections", headers=tenant.headers()).json()["data"]
    assert len(listed) == 2  # nothing was written by the refused calls


def test_period_must_be_ordered_and_keep_entries_valid(
    client: TestClient, tenant: Tenant, clock: FrozenClock
) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    backwards = start(client, tenant, leader, period_start="2026-03-01", period_end="2026-02-01")
    assert backwards.status_code == 422
    assert backwards.json()["errors"] == [
        {"field": "period_end", "message": "must be on or after period_start"}
    ]
    reflection = created(client, tenant, leader, from_template=True)
    response = patch(client, tenant, reflection["id"], period_end="2025-12-31")
    assert response.status_code == 422
    response = patch(
        client, tenant, reflection["id"], period_start="2025-10-01", period_end="2025-12-31"
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "entries.0.belief_id",
        "entries.1.belief_id",
        "entries.2.belief_id",
    }
    moved = patch(
        client, tenant, reflection["id"], period_start="2026-01-05", period_end="2026-04-05"
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["period_start"], moved.json()["period_end"]) == (
        "2026-01-05",
        "2026-04-05",
    )


def test_patch_replaces_lists_and_an_unchanged_patch_keeps_the_etag(
    client: TestClient, tenant: Tenant
) -> None:
    leader, beliefs = leader_with_beliefs(client, tenant)
    reflection = created(client, tenant, leader, from_template=True)
    path = f"/v1/reflections/{reflection['id']}"
    response = patch(
        client, tenant, reflection["id"], entries=[{"belief_id": beliefs[2], "alignment": 2}]
    )
    assert response.status_code == 200
    assert response.json()["entries"] == [
        {
            "belief_id": beliefs[2],
            "statement": STATEMENTS[2],
            "alignment": 2,
            "evidence": None,
            "next_step": None,
        }
    ]
    assert len(response.json()["answers"]) == 5  # untouched
    tag = response.headers["etag"]
    same = client.patch(
        path,
        json={"entries": [{"belief_id": beliefs[2], "alignment": 2}], "scope": "self"},
        headers=tenant.headers(**{"If-Match": tag}),
    )
    assert same.status_code == 200
    assert same.headers["etag"] == tag
    cleared = client.patch(
        path, json={"answers": [], "notes": None}, headers=tenant.headers(**{"If-Match": tag})
    )
    assert cleared.json()["answers"] == []
    assert cleared.headers["etag"] != tag


def test_answers_name_the_organizations_active_prompts(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    first, second, *_ = prompts(client, tenant)
    reflection = created(client, tenant, leader, answers=[{"prompt_id": first["id"]}])

    tag = etag(client, tenant, f"/v1/reflection-prompts/{first['id']}")
    client.patch(
        f"/v1/reflection-prompts/{first['id']}",
        json={"status": "retired"},
        headers=tenant.headers(**{"If-Match": tag}),
    )
    foreign = prompts(client, other_tenant)[0]["id"]
    for prompt_id, message in (
        (first["id"], "retired"),
        (foreign, "no reflection prompt"),
        ("rpm_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "no reflection prompt"),
    ):
        response = start(client, tenant, leader, answers=[{"prompt_id": prompt_id}])
        assert response.status_code == 422, prompt_id
        assert response.json()["errors"][0]["field"] == "answers.0.prompt_id"
        assert message in response.json()["errors"][0]["message"]
    # An answer already given keeps its (now retired) prompt; a new one cannot add it.
    kept = patch(
        client,
        tenant,
        reflection["id"],
        answers=[{"prompt_id": first["id"], "answer": "Yes."}, {"prompt_id": second["id"]}],
    )
    assert kept.status_code == 200, kept.text
    assert [a["answer"] for a in kept.json()["answers"]] == ["Yes.", None]
    dup = patch(
        client,
        tenant,
        reflection["id"],
        answers=[{"prompt_id": second["id"]}, {"prompt_id": second["id"]}],
    )
    assert dup.status_code == 422
    assert dup.json()["errors"][0]["field"] == "answers.1.prompt_id"


def test_if_match_is_required_and_checked(client: TestClient, tenant: Tenant) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    reflection = created(client, tenant, leader, from_template=True)
    path = f"/v1/reflections/{reflection['id']}"
    assert client.patch(path, json={"notes": "x"}, headers=tenant.headers()).status_code == 428
    assert client.delete(path, headers=tenant.headers()).status_code == 428
    stale = tenant.headers(**{"If-Match": '"7"'})
    assert client.patch(path, json={"notes": "x"}, headers=stale).status_code == 412
    assert client.delete(path, headers=stale).status_code == 412
    assert client.post(f"{path}/submit", headers=stale).status_code == 412
    assert client.get(path, headers=tenant.headers()).json()["notes"] is None


def test_delete_a_draft(client: TestClient, tenant: Tenant) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    reflection = created(client, tenant, leader, from_template=True)
    path = f"/v1/reflections/{reflection['id']}"
    response = client.delete(path, headers=tenant.headers(**{"If-Match": '"1"'}))
    assert response.status_code == 204
    assert client.get(path, headers=tenant.headers()).status_code == 404


def test_unknown_fields_bad_values_and_missing_leader(client: TestClient, tenant: Tenant) -> None:
    leader, beliefs = leader_with_beliefs(client, tenant)
    for body in (
        {"org_id": "org_x"},
        {"status": "submitted"},
        {"scope": "world"},
        {"entries": [{"belief_id": beliefs[0], "alignment": 6}]},
        {"entries": [{"belief_id": beliefs[0], "alignment": 0}]},
        {"entries": [{"belief_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"}]},
        {"notes": "bad\x00text"},
        {"period_start": "2026-02-30"},
        {"period_start": 0},
        {"period_end": "2026-03-31T00:00:00Z"},
        {"from_template": 1},
        {"from_template": "yes"},
        {"entries": [{"belief_id": beliefs[0], "alignment": True}]},
        {"entries": [{"belief_id": beliefs[0], "alignment": "4"}]},
        {"entries": [{"belief_id": beliefs[0], "alignment": 3.5}]},
    ):
        response = start(client, tenant, leader, **body)
        assert response.status_code == 422, body
        assert response.json()["errors"]
    whole = start(client, tenant, leader, entries=[{"belief_id": beliefs[0], "alignment": 3.0}])
    assert whole.status_code == 201  # a JSON integer may be written 3.0
    assert whole.json()["entries"][0]["alignment"] == 3
    reflection = created(client, tenant, leader)
    assert patch(client, tenant, reflection["id"], status="submitted").status_code == 422
    assert patch(client, tenant, reflection["id"], scope=None).status_code == 422
    missing = start(client, tenant, "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE")
    assert missing.status_code == 404
    assert client.get("/v1/reflections/rfl_nope", headers=tenant.headers()).status_code == 404
    reader = client.post(
        f"/v1/leaders/{leader}/reflections",
        json={"period_start": "2026-01-01", "period_end": "2026-01-31"},
        headers=tenant.headers("read"),
    )
    assert reader.status_code == 403


def test_create_is_idempotent(client: TestClient, tenant: Tenant) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    body = {"period_start": "2026-01-01", "period_end": "2026-03-31", "from_template": True}
    headers = tenant.headers("write", **{"Idempotency-Key": "rfl-1"})
    first = client.post(f"/v1/leaders/{leader}/reflections", json=body, headers=headers)
    again = client.post(f"/v1/leaders/{leader}/reflections", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(client.get("/v1/reflections", headers=tenant.headers()).json()["data"]) == 1


def test_list_filters_and_pagination(
    client: TestClient, tenant: Tenant, clock: FrozenClock
) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    other = person(client, tenant, "L-2")
    belief(client, tenant, other, "Mine too.")
    q1 = created(client, tenant, leader, from_template=True, scope="self")
    q2 = created(
        client,
        tenant,
        leader,
        period_start="2026-04-01",
        period_end="2026-06-30",
        scope="team",
        from_template=True,
    )
    theirs = created(client, tenant, other, from_template=True, scope="organization")
    assert patch(client, tenant, q1["id"], entries=rated(q1)).status_code == 200
    clock.advance(days=1)
    assert submit(client, tenant, q1["id"]).status_code == 200

    def ids(**params: object) -> list[str]:
        response = client.get("/v1/reflections", params=params, headers=tenant.headers())
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["data"]]

    assert ids() == sorted([q1["id"], q2["id"], theirs["id"]])
    assert ids(leader_id=leader) == sorted([q1["id"], q2["id"]])
    assert ids(scope="team") == [q2["id"]]
    assert ids(status="submitted") == [q1["id"]]
    assert ids(status="draft", leader_id=leader) == [q2["id"]]
    assert ids(period_from="2026-04-01") == [q2["id"]]
    assert ids(period_to="2026-01-01") == sorted([q1["id"], theirs["id"]])
    assert ids(period_from="2026-03-31", period_to="2026-04-01") == sorted(
        [q1["id"], q2["id"], theirs["id"]]
    )
    assert ids(period_from="2026-07-01") == []
    assert ids(period_from="2026-05-01", period_to="2026-04-01") == []  # an empty range
    assert ids(updated_since=clock.moment.isoformat()) == [q1["id"]]

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/reflections", params=params, headers=tenant.headers()).json()
        assert len(page["data"]) <= 2
        seen += [r["id"] for r in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids()

    for params in (
        {"limit": 0},
        {"limit": 101},
        {"cursor": "nope"},
        {"period_from": "0"},
        {"period_to": "2026-04-01T00:00:00Z"},
        {"status": "done"},
        {"updated_since": "2026-01-01T00:00:00"},
    ):
        response = client.get("/v1/reflections", params=params, headers=tenant.headers())
        assert response.status_code == 422, params


def test_deleting_a_leader_removes_their_reflections(client: TestClient, tenant: Tenant) -> None:
    leader, _ = leader_with_beliefs(client, tenant)
    reflection = created(client, tenant, leader, from_template=True)
    assert patch(client, tenant, reflection["id"], entries=rated(reflection)).status_code == 200
    assert submit(client, tenant, reflection["id"]).status_code == 200
    tag = etag(client, tenant, f"/v1/people/{leader}")
    response = client.delete(f"/v1/people/{leader}", headers=tenant.headers(**{"If-Match": tag}))
    assert response.status_code == 204, response.text
    path = f"/v1/reflections/{reflection['id']}"
    assert client.get(path, headers=tenant.headers()).status_code == 404
    assert client.get("/v1/reflections", headers=tenant.headers()).json()["data"] == []
    assert len(prompts(client, tenant)) == 5
