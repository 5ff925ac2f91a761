"""The catalogue of problem types: one `type` URI per distinct cause of an error, so a client
branches on `type` and never on the prose of `detail`.

Each `ProblemType` says its status, its title (the `title` of every problem of that type),
when it happens and what to do. Every refusal of the service names one of these (the
`cause` of a `service.errors.ServiceError`, or of an HTTP-layer refusal); `GET /problems`
serves this list and the spec carries it as a table (`service.api.openapi`).
"""

from __future__ import annotations

from dataclasses import dataclass

PROBLEM_TYPE_BASE = "https://calling.dev/problems/"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: str
    when: str
    action: str

    @property
    def uri(self) -> str:
        return PROBLEM_TYPE_BASE + self.slug


def _type(slug: str, status: int, title: str, when: str, action: str) -> ProblemType:
    return ProblemType(slug, status, title, when, action)


# --- 400: the request cannot be read --------------------------------------------------------

MALFORMED_JSON = _type(
    "malformed-json",
    400,
    "Malformed JSON",
    "The body is not strict JSON (RFC 8259): a syntax error, not UTF-8, `NaN`, a member "
    "name twice, a lone surrogate.",
    "Send the body as strict UTF-8 JSON.",
)
JSON_TOO_COMPLEX = _type(
    "json-too-complex",
    400,
    "JSON too complex",
    "The body nests too deeply, or an object, an array or the whole document holds more "
    "values than the service reads (the `detail` names the bound).",
    "Send a flatter or smaller body; split a large import into several calls.",
)
MALFORMED_HTTP = _type(
    "malformed-http",
    400,
    "Malformed HTTP",
    "The request is not valid HTTP/1.1 (answered by the server before the application).",
    "Fix the client or proxy that sends it; the connection is closed.",
)

# --- 401: who is asking ---------------------------------------------------------------------

MISSING_API_KEY = _type(
    "missing-api-key",
    401,
    "API key missing",
    "The request has no `Authorization: Bearer <key>` header.",
    "Send your API key (`csk_…`) as a bearer token.",
)
INVALID_API_KEY = _type(
    "invalid-api-key",
    401,
    "API key invalid",
    "The bearer token is not a key of this service, the key was revoked, or its "
    "organization was deactivated.",
    "Use an active key of an active organization; do not retry with the same key.",
)
MISSING_RESPONSE_TOKEN = _type(
    "missing-response-token",
    401,
    "Response token missing",
    "An answer to a campaign was sent without `Authorization: Bearer <token>`.",
    "Send the respondent's response token (`frt_…`) as a bearer token.",
)
INVALID_RESPONSE_TOKEN = _type(
    "invalid-response-token",
    401,
    "Response token invalid",
    "The bearer token is not a response token this service issued.",
    "Use the token from the campaign's `tokens`, exactly as issued.",
)
EXPIRED_RESPONSE_TOKEN = _type(
    "expired-response-token",
    401,
    "Response token expired",
    "The token was issued, but its campaign is closed or past `expires_at`, or the "
    "respondent was withdrawn from it.",
    "Nothing more can be answered with it; ask for a new campaign if answers are still wanted.",
)

# --- 403, 404, 405, 408 ---------------------------------------------------------------------

MISSING_SCOPE = _type(
    "missing-scope",
    403,
    "Scope missing",
    "The API key is valid but lacks the scope the operation needs (its `x-required-scope`).",
    "Use a key with that scope (or `admin`); create one with `POST /v1/api-keys`.",
)
NOT_A_SANDBOX = _type(
    "not-a-sandbox",
    403,
    "Not a sandbox",
    "A test-clock operation with a live organization's key: only a sandbox has a test clock.",
    "Onboard a sandbox (`create_platform_organization` with `sandbox: true`) and use its key.",
)
NOT_FOUND = _type(
    "not-found",
    404,
    "Not found",
    "No object with this id in your organization (another organization's objects are not "
    "found either), or no such problem type.",
    "Check the id; an object deleted or erased stays gone.",
)
NO_SUCH_ROUTE = _type(
    "no-such-route",
    404,
    "No such route",
    "No operation has this path (an id of the wrong kind, such as a `blf_` id where a "
    "`per_` id belongs, does not match either).",
    "Check the path and the id's prefix against the spec.",
)
METHOD_NOT_ALLOWED = _type(
    "method-not-allowed",
    405,
    "Method not allowed",
    "The path exists but not with this method.",
    "Use one of the methods in the `Allow` header.",
)
REQUEST_TIMEOUT = _type(
    "request-timeout",
    408,
    "Request timeout",
    "The request head or body did not arrive within the server's timeout.",
    "Send the whole request promptly; retry on a new connection.",
)

# --- 409: the current state refuses it ------------------------------------------------------

DUPLICATE_EXTERNAL_ID = _type(
    "duplicate-external-id",
    409,
    "Duplicate external_id",
    "Another person of your organization already has this `external_id`.",
    "Update that person instead (find them with `GET /v1/people?external_id=…`), or sync "
    "with `POST /v1/people/bulk`, which upserts by `external_id`.",
)
BELIEF_TRANSITION_NOT_ALLOWED = _type(
    "belief-transition-not-allowed",
    409,
    "Belief transition not allowed",
    "The belief's status cannot change that way: a belief starts as `draft` or `active`, "
    "goes draft → active → retired, a retired belief is final, and only a draft can be "
    "deleted.",
    "Retire an active belief instead of deleting it; codify a new belief instead of "
    "reviving a retired one.",
)
COMMITMENT_TRANSITION_NOT_ALLOWED = _type(
    "commitment-transition-not-allowed",
    409,
    "Commitment transition not allowed",
    "The commitment's status cannot change that way: a commitment starts as `planned` or "
    "`in_progress`, goes planned → in_progress → done (or to dropped from either), and a "
    "done or dropped commitment is final.",
    "Read the commitment's `status`; make a new commitment instead of reopening one.",
)
REFLECTION_SUBMITTED = _type(
    "reflection-submitted",
    409,
    "Reflection already submitted",
    "The reflection is submitted: it cannot be edited, submitted again or deleted.",
    "Start a new reflection.",
)
PROMPT_PROTECTED = _type(
    "prompt-protected",
    409,
    "Prompt protected",
    "A built-in prompt's text cannot be edited nor the prompt deleted, and a prompt "
    "answered in a reflection cannot be deleted.",
    "Retire the prompt (`status: retired`) and add your own.",
)
FEEDBACK_REQUEST_NOT_OPEN = _type(
    "feedback-request-not-open",
    409,
    "Feedback request not open",
    "The campaign is closed or past `expires_at`, so it cannot send reminders.",
    "Start a new campaign for the respondents still wanted.",
)
RESPONSE_TOKEN_USED = _type(
    "response-token-used",
    409,
    "Response token already used",
    "The respondent has answered with this token; each token answers once.",
    "Nothing to do: the first answer is stored.",
)
DELIVERY_PENDING = _type(
    "delivery-pending",
    409,
    "Delivery pending",
    "The webhook delivery is still pending, so it cannot be redelivered.",
    "Wait: it is attempted as scheduled (`next_attempt_at`).",
)
LAST_ADMIN_KEY = _type(
    "last-admin-key",
    409,
    "Last admin key",
    "Revoking this key would leave the organization without an active admin key.",
    "Create another admin key first, then revoke this one.",
)
IDEMPOTENCY_KEY_IN_FLIGHT = _type(
    "idempotency-key-in-flight",
    409,
    "Idempotency-Key in flight",
    "A request with this `Idempotency-Key` is still being processed.",
    "Retry after `Retry-After` seconds: you then get its response.",
)
ANONYMOUS_REPLAY_REFUSED = _type(
    "anonymous-replay-refused",
    409,
    "Anonymous answer not replayed",
    "The first request with this `Idempotency-Key` stored an anonymous answer; nothing about "
    "it is kept to replay (whatever the body of this one).",
    "Nothing to do: the answer is stored. Do not send it again.",
)
SECRET_REPLAY_REFUSED = _type(
    "secret-replay-refused",
    409,
    "Secret not replayed",
    "The first request with this `Idempotency-Key` succeeded and its response held a secret "
    "shown once (an API key, a webhook secret, response tokens).",
    "If the secret was lost, revoke what it belongs to and create another.",
)

# --- 412, 413, 415, 428, 429, 431 -----------------------------------------------------------

STALE_IF_MATCH = _type(
    "stale-if-match",
    412,
    "Stale If-Match",
    "`If-Match` does not name the current `ETag`: the object changed since you read it "
    "(or another update won a race).",
    "Read the object again and retry with its `ETag`, merging your change.",
)
PAYLOAD_TOO_LARGE = _type(
    "payload-too-large",
    413,
    "Payload too large",
    "The body is over the service's limit (`CALLING_MAX_BODY_BYTES`, 2 MiB by default).",
    "Send less per call; split an import.",
)
UNSUPPORTED_MEDIA_TYPE = _type(
    "unsupported-media-type",
    415,
    "Unsupported media type",
    "A write's body is not `application/json` (or `application/*+json`).",
    "Send `Content-Type: application/json`.",
)
IF_MATCH_REQUIRED = _type(
    "if-match-required",
    428,
    "If-Match required",
    "An update or delete came without `If-Match`.",
    "Read the object and send its `ETag` as `If-Match`.",
)
RATE_LIMITED = _type(
    "rate-limited",
    429,
    "Rate limited",
    "Too many requests: your organization's (or, without a valid key, your address's) "
    "rate limit, or a response token's attempts per minute.",
    "Wait `Retry-After` seconds; keep below the `RateLimit-*` figures.",
)
HEADER_TOO_LARGE = _type(
    "header-too-large",
    431,
    "Request header too large",
    "The request head (request line and headers) is over `CALLING_MAX_HEADER_BYTES`.",
    "Send fewer or shorter headers; the connection is closed.",
)

# --- 422: the request is well-formed but cannot be done -------------------------------------

TEST_CLOCK_OUT_OF_RANGE = _type(
    "test-clock-out-of-range",
    422,
    "Test clock out of range",
    "An advance `to` an instant not later than the sandbox's time (a test clock never goes "
    "back), or beyond the furthest it may run ahead of real time.",
    "Read the clock (`get_test_clock`) and advance to a later instant, at most the limit.",
)
VALIDATION_ERROR = _type(
    "validation-error",
    422,
    "Validation error",
    "A field is missing, unknown, of the wrong type or out of range, or breaks a rule "
    "between fields (a period ending before it starts, a date in the past, the same row "
    "twice); `errors` names each field.",
    "Fix the fields listed in `errors`; nothing was written.",
)
INVALID_REFERENCE = _type(
    "invalid-reference",
    422,
    "Invalid reference",
    "A field names an object this request cannot use: no such person, belief or prompt "
    "in your organization (or not this leader's), a belief that is not active (in the "
    "reflection's period), a retired prompt; `errors` names each field and why.",
    "Use ids of existing, active objects; nothing was written.",
)
REPORTING_LOOP = _type(
    "reporting-loop",
    422,
    "Reporting loop",
    "`manager_id` would make a person their own manager, directly or through others.",
    "Fix the reporting line (sync managers before their reports, or in one bulk call).",
)
REFLECTION_INCOMPLETE = _type(
    "reflection-incomplete",
    422,
    "Reflection incomplete",
    "The reflection cannot be submitted yet: it rates no belief, an entry is unrated, or "
    "an entry's belief was not active in its period; `errors` names each.",
    "Fill in the entries listed in `errors` (with `PATCH`) and submit again.",
)
WEBHOOK_URL_REFUSED = _type(
    "webhook-url-refused",
    422,
    "Webhook URL refused",
    "The webhook URL is not `https` to a public address (a private, loopback or reserved "
    "address, a name that does not resolve, a malformed host).",
    "Use a public `https` URL of your receiver.",
)
ENTRY_WITHOUT_NEXT_STEP = _type(
    "entry-without-next-step",
    422,
    "Entry without a next step",
    "The reflection entry to turn into a commitment has no `next_step`.",
    "Fill in the entry's `next_step` (a draft reflection), or create the commitment with "
    "`POST /v1/leaders/{leader_id}/commitments`.",
)
INVALID_CURSOR = _type(
    "invalid-cursor",
    422,
    "Invalid cursor",
    "`cursor` is not one this API issued for this collection (or it was altered).",
    "Start from the first page, then follow `next_cursor` as given.",
)
IDEMPOTENCY_KEY_REUSED = _type(
    "idempotency-key-reused",
    422,
    "Idempotency-Key reused",
    "This `Idempotency-Key` was used with a different request body.",
    "Use a new key for a new request; the same key only to retry the same request.",
)

# --- 5xx --------------------------------------------------------------------------------------

INTERNAL_ERROR = _type(
    "internal-error",
    500,
    "Internal server error",
    "An unexpected error (a bug); no internals are disclosed.",
    "Retry later; if it persists, report the `X-Request-Id` to support.",
)
SERVICE_UNAVAILABLE = _type(
    "service-unavailable",
    503,
    "Service unavailable",
    "The database is temporarily unreachable (or busy).",
    "Retry after `Retry-After` seconds.",
)

CATALOGUE: tuple[ProblemType, ...] = tuple(
    sorted(
        (value for value in list(globals().values()) if isinstance(value, ProblemType)),
        key=lambda t: (t.status, t.slug),
    )
)
BY_SLUG: dict[str, ProblemType] = {t.slug: t for t in CATALOGUE}
