"""Theme labels in the organization's language, through the HTTP API on SQLite and
PostgreSQL: resolved when read from the theme key (a label is presentation, not a figure),
so a change of `language` shows at once, in a period closed before it; counts and examples
never change with it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.insights import service, themes
from tests.conftest import Tenant
from tests.insights.test_insights_api import AFTER_Q1, get, post
from tests.trust.helpers import Clock, all_items, change_settings, close, person

# Five peers need clearer priorities (one in Swedish) and a dashboard (outside the map).
ANSWERS = [
    "Clearer priorities and a dashboard please",
    "Clear priorities, one dashboard",
    "Tydligare prioriteringar och en dashboard",
    "Priorities agreed with us and a shared dashboard",
    "Focus on priorities, publish the dashboard",
]
LABELS = {
    "en": {"clarity": "Clear priorities and direction", "term:dashboard": "dashboard"},
    "sv": {"clarity": "Tydliga prioriteringar och riktning", "term:dashboard": "dashboard"},
}


def _closed_period_with_themes(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> str:
    leader = person(client, tenant, "L")
    for i, text in enumerate(ANSWERS):
        post(
            client,
            tenant,
            {
                "leader_id": leader,
                "relationship": "peer",
                "answers": all_items(4),
                "needs": text,
                "respondent": {"reference": f"r{i}"},
            },
        )
    frozen.at(AFTER_Q1)
    assert close(db) == 1
    return leader


def _labels(themes_read: list[dict[str, Any]]) -> dict[str, str]:
    return {t["key"]: t["label"] for t in themes_read}


def _figures(themes_read: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("key", "kind", "level", "relationship", "respondents", "examples")
    return [tuple(str(t.get(k)) for k in keys) for t in themes_read]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_themes_are_labelled_in_the_organizations_language(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine, language: str
) -> None:
    if language != "en":
        change_settings(client, tenant, language=language)
    leader = _closed_period_with_themes(client, tenant, frozen, db)
    for read in (
        get(client, tenant, f"/v1/leaders/{leader}/themes")["themes"],
        get(client, tenant, f"/v1/leaders/{leader}/themes")["overall"],
        get(client, tenant, f"/v1/leaders/{leader}/themes")["stakeholder_groups"],
        get(client, tenant, "/v1/themes")["overall"],
        get(client, tenant, f"/v1/leaders/{leader}/journey")["top_themes"],
        get(client, tenant, f"/v1/leaders/{leader}/journey")["top_overall_themes"],
    ):
        assert _labels(read) == LABELS[language]


def test_a_change_of_language_shows_at_once_and_changes_no_figure(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = _closed_period_with_themes(client, tenant, frozen, db)
    paths = (f"/v1/leaders/{leader}/themes", "/v1/themes")
    levels = ("themes", "overall")  # the leader's per relationship, the organization's whole
    english = [get(client, tenant, path)[level] for path, level in zip(paths, levels, strict=True)]
    assert [_labels(t) for t in english] == [LABELS["en"]] * 2
    # The settings' figures wait for the next period; the labels of the closed one do not.
    change_settings(client, tenant, language="sv")
    swedish = [get(client, tenant, path)[level] for path, level in zip(paths, levels, strict=True)]
    assert [_labels(t) for t in swedish] == [LABELS["sv"]] * 2
    assert [_figures(t) for t in swedish] == [_figures(t) for t in english]
    journey = get(client, tenant, f"/v1/leaders/{leader}/journey")["top_themes"]
    assert _labels(journey) == LABELS["sv"]
    # An `as_of` read of the same period is labelled as the organization reads now too.
    as_of = get(client, tenant, paths[0], as_of=AFTER_Q1.isoformat())["themes"]
    assert _labels(as_of) == LABELS["sv"]
    change_settings(client, tenant, language="en")
    assert _labels(get(client, tenant, paths[0])["themes"]) == LABELS["en"]


def test_a_key_the_map_no_longer_holds_keeps_the_label_stored_at_close() -> None:
    assert "gone" not in themes.THEME_LABELS
    assert service._label("gone", {"label": "Gone theme"}, "sv") == "Gone theme"
    assert service._label("clarity", {"label": "anything"}, "sv") == LABELS["sv"]["clarity"]
