"""Where each operation sits in the leadership-as-calling workflow: the API description and
the text that opens every operation's description in the spec (service.api.openapi).

The workflow (DOMAIN.md): 0 set up the organization, 1 sync people, 2 codify beliefs,
3 reflect, 4 seek feedback, 5 read follower trust (and close the loop).
"""

from __future__ import annotations

# The version of the contract (`info.version`), semantic: its major is the path's (`/v1`),
# a minor adds, a patch clarifies. CHANGELOG.md lists each; openapi/released/ holds each
# released spec, and CI fails on a breaking change unless the major changes
# (.ci/breaking-changes.sh). Independent of the package's version.
API_VERSION = "1.1.0"

DESCRIPTION = """
**Calling** adds a *leadership-as-calling* workflow to an HR platform: management is a
career, leadership is a calling. A leader codifies their **beliefs**, reflects on how they
play out, asks the people around them for **feedback**, and earns **followers**.

### The workflow, call by call
0. **Set up** — *(platform)* `create_platform_organization` onboards a customer and returns
   its first admin key; *(organization)* `get_organization` / `update_organization` hold the
   scoring and privacy settings; `create_api_key` makes narrower keys (`read`, `write`,
   `feedback:submit`).
1. **Sync people** from your HR system — `bulk_upsert_people` (up to 1,000 by
   `external_id`), `create_person`, `list_people?updated_since=…`. Any person can lead.
2. **Codify beliefs** — `create_belief` (a draft), `update_belief` with `If-Match` to
   activate or revise it (every revision is kept: `list_belief_revisions`).
3. **Reflect, again and again** — `create_reflection` with `from_template: true` (one entry
   per active belief, one answer per prompt), `update_reflection` to fill it in,
   `submit_reflection` (then immutable); `get_reflection_schedule` says when the next is due.
4. **Seek feedback** — `create_feedback` from each person around the leader (direct reports,
   peers, manager, customers, suppliers): the four trust items, optional per-belief ratings,
   and what they *need* and *dream of*. Anonymous by default.
5. **Earn followers** — `get_trust_score` (score, interval, followers, stage, breakdown),
   `get_trust_history`, and for HR analytics `list_trust_scores` / `export_trust_scores`
   (CSV).

### How the follower-trust score is computed (worked example)
Figures are computed for each **closed reporting period** of the organization (calendar
quarters by default), from the latest answer of each respondent in that period; an open
period shows counts only, and a closed period's figures never change. The `method` block of
every score states the formula and parameters in force.

* Each respondent's four answers (1–5) become `t = 25 × (mean − 1)` on 0–100.
  Answers 5, 4, 4, 5 → mean 4.5 → `t = 87.5`.
* With three respondents `t` = 87.5, 75 and 50: `n = 3`, `raw = 70.8`.
* The score is shrunk toward the organization's mean `m` with weight `C = prior_weight`
  (default 3): with `m = 50`, `score = (3·50 + 3·70.8) / (3 + 3) = 60.4`, so a small group
  cannot swing to 0 or 100.
* A 90 % interval `score ± 1.645·sqrt(s² / (n + C))` (`s²` the sample variance of `t`):
  `s² = 364.6` → `60.4 ± 12.8`.
* **Followers** answered `want_to_follow ≥ 4` and `leaned_on ≥ 4`. The **stage** is
  `leader` when the interval's lower bound reaches `leader_lower_bound`, followers reach
  `min_group_size` and their share `leader_follower_share`; `emerging_leader` when the score
  reaches `emerging_leader_score` with at least one follower; otherwise `manager`
  (`insufficient_data` below `min_group_size` respondents).
* No figure covers fewer than `min_group_size` respondents (default 3); a suppressed figure
  is absent with `suppressed: true`, and enough others are hidden that it cannot be
  recovered by subtraction.

### Conventions
* Authenticate with `Authorization: Bearer <API key>`; scopes `read`, `write` (implies read
  and `feedback:submit`), `admin` (implies all) and the narrow `feedback:submit`; `platform`
  keys manage organizations only. Each operation names the scope it needs in
  `x-required-scope` (and as the role of its security requirement); a key without it gets
  403.
* Collections: `?limit=1..100&cursor=…` → `{"data": [...], "next_cursor": ...}`.
* Reads return an `ETag` (and a `revision` in the body); `PATCH`, `PUT` and `DELETE` require
  `If-Match` (missing → 428, stale → 412).
* Every `POST` accepts `Idempotency-Key` (≤ 255 characters, kept ≥ 24 h): use a new one per
  request.
* Every error is `application/problem+json` (RFC 9457); validation errors list `errors`.
  Every response carries `X-Request-Id`.
* Timestamps are RFC 3339 in UTC with `Z`, in JSON and CSV alike.
* Another organization's object is always `404`.
* Breaking changes come only under a new major path (`/v2`); what goes away is announced
  with `Deprecation` and `Sunset` headers first (see the changelog).
"""

# The operations whose router gives only a summary: their place in the workflow.
STEP_DESCRIPTIONS: dict[str, str] = {
    "get_organization": "Step 0 (set up): your organization's name and its scoring and "
    "privacy settings, with the `ETag` (and `revision`) to send as `If-Match` when you "
    "change them.",
    "list_api_keys": "Step 0 (set up): the keys of your organization, newest last, to audit "
    "them; never their secrets. Admin only.",
    "create_api_key": "Step 0 (set up): a key for one integration, with the narrowest scope "
    "it needs (`read` for dashboards, `feedback:submit` for a survey tool). The secret is "
    "shown once; a replay with the same `Idempotency-Key` answers 409. Admin only.",
    "get_api_key": "Step 0 (set up): one key of your organization (never its secret), e.g. "
    "to check it is not revoked. Admin only.",
    "revoke_api_key": "Step 0 (set up): stop a key (within seconds on every replica), e.g. "
    "when it leaked or an integration is retired. Revoking twice changes nothing. Admin only.",
    "list_people": "Step 1 (sync people): your directory as Calling holds it; with "
    "`updated_since` only what changed, to reconcile with your HR system.",
    "create_person": "Step 1 (sync people): add one person (an employee who may lead, or "
    "give feedback). For many at once use `bulk_upsert_people`.",
    "get_person": "Step 1 (sync people): one person, with the `ETag` (and `revision`) to "
    "send as `If-Match` when you update or erase them.",
    "update_person": "Step 1 (sync people): change a person's name, e-mail, title or manager "
    "as your HR system does. Requires `If-Match`.",
    "delete_person": "Step 1 (sync people), GDPR erasure: removes the person and everything "
    "*about* them (their beliefs, commitments, reflections, feedback about them, schedule); "
    "feedback they *gave* stays only as anonymous numbers in aggregates, its free text "
    "deleted. Cannot be undone. Requires `If-Match`.",
    "create_belief": "Step 2 (codify beliefs): write down one thing the leader believes, in "
    "their own words. It starts as a `draft`; activate it with `update_belief` so "
    "reflections and feedback can refer to it.",
    "get_belief": "Step 2 (codify beliefs): one belief at its current revision, with the "
    "`ETag` (and `revision`) to send as `If-Match`.",
    "list_belief_revisions": "Step 2 (codify beliefs): how a belief changed over time, one "
    "entry per revision, oldest first.",
    "get_reflection": "Step 3 (reflect): one reflection with its entries and answers, and the "
    "`ETag` (and `revision`) to send as `If-Match` when you fill it in or submit it.",
    "create_reflection_prompt": "Step 3 (reflect): add a question of your organization's own "
    "to every new reflection, beside the built-in set.",
    "get_reflection_prompt": "Step 3 (reflect): one prompt, with the `ETag` (and `revision`) "
    "to send as `If-Match` when you change it.",
    "get_commitment": "Step 6 (act, close the loop): one commitment with its dated status "
    "updates, and the `ETag` (and `revision`) to send as `If-Match` when you update it.",
    "list_commitment_revisions": "Step 6 (act): how a commitment changed over time, one "
    "entry per revision, oldest first.",
    "get_feedback": "Step 4 (seek feedback): the receipt of one response (id, leader, date). "
    "An anonymous response's answers are never readable one by one; only aggregates show "
    "them.",
}
