from __future__ import annotations

import inspect
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response, status

from service import clock, demo_ids
from service.api.auth import Admin, is_sandbox
from service.api.http import IfMatchHeader, check_if_match, set_etag
from service.api.paths import prefilled
from service.api.responses import READ, UPDATE, WRITE, link_to, success
from service.api.routing import CallingRoute, secret_response
from service.api.session import SessionDep
from service.events.outbox import WebhookEndpoint
from service.events.schemas import EVENT_MODELS, data_model, example
from service.ids import id_pattern
from service.pages import Page, PageParams, cursor_field
from service.webhooks import service, ssrf, trial
from service.webhooks.delivery import post
from service.webhooks.schemas import (
    DeliveryOut,
    DeliveryStatus,
    EndpointCreate,
    EndpointOut,
    EndpointPatch,
    EndpointWithSecret,
    RotateSecret,
    WebhookTestResult,
)
from service.webhooks.worker import Sender

router = APIRouter(prefix="/v1/webhook-endpoints", tags=["Webhooks"], route_class=CallingRoute)

EndpointIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("whk"),
        description="Webhook endpoint id.",
        examples=[demo_ids.WEBHOOK_ENDPOINT],
        openapi_examples=prefilled(demo_ids.WEBHOOK_ENDPOINT, "The demo's webhook endpoint"),
    ),
]
DeliveryIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("dlv"),
        description="Delivery id.",
        examples=[demo_ids.DELIVERY],
        openapi_examples=prefilled(demo_ids.DELIVERY, "A failed delivery to it"),
    ),
]


class EndpointPageParams(PageParams):
    cursor: str | None = cursor_field(demo_ids.WEBHOOK_ENDPOINT)


class DeliveryPageParams(PageParams):
    cursor: str | None = cursor_field(demo_ids.DELIVERY)


def endpoint_in_org(
    principal: Admin, session: SessionDep, endpoint_id: EndpointIdPath
) -> WebhookEndpoint:
    return service.get_endpoint(session, principal.org_id, endpoint_id)


EndpointDep = Annotated[WebhookEndpoint, Depends(endpoint_in_org)]


def _rules(request: Request, sandbox: bool) -> dict[str, bool]:
    settings = request.app.state.settings
    return ssrf.rules(
        sandbox, settings.webhooks_allow_loopback, settings.sandbox_webhooks_allow_loopback
    )


def _check_url(request: Request, url: str, sandbox: bool) -> None:
    service.check_url(url, _resolver(request), _rules(request, sandbox))


def _resolver(request: Request) -> ssrf.Resolver:
    resolve: ssrf.Resolver = getattr(request.app.state, "webhook_resolver", ssrf.system_resolver)
    return resolve


def _server_secret(request: Request) -> str:
    return str(request.app.state.settings.secret_key.get_secret_value())


@router.post(
    "",
    operation_id="create_webhook_endpoint",
    summary="Register a webhook endpoint (admin)",
    description="The URL must be `https` and its host must resolve to public addresses only "
    "(checked again at every delivery). The signing secret is shown only in this response.",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The endpoint and its secret, with `Location` and `ETag`.",
        location=True,
        GetWebhookEndpoint=link_to("get_webhook_endpoint", "endpoint_id"),
    ),
)
@secret_response
def create_webhook_endpoint(
    principal: Admin,
    session: SessionDep,
    request: Request,
    body: EndpointCreate,
    response: Response,
) -> EndpointWithSecret:
    _check_url(request, body.url, is_sandbox(request))
    endpoint = service.create_endpoint(session, principal.org_id, body, clock.real_now())
    response.headers["Location"] = f"/v1/webhook-endpoints/{endpoint.id}"
    set_etag(response, endpoint.version)
    return EndpointWithSecret(
        **service.endpoint_out(endpoint).model_dump(),
        secret=service.secret_of(endpoint, _server_secret(request)),
    )


@router.get(
    "",
    operation_id="list_webhook_endpoints",
    summary="List webhook endpoints (admin)",
    description="Where your organization's events are delivered: each endpoint's URL, event "
    "types and status (never its secret).",
    responses=READ,
)
def list_webhook_endpoints(
    principal: Admin, session: SessionDep, page: Annotated[EndpointPageParams, Query()]
) -> Page[EndpointOut]:
    rows, cursor = service.list_endpoints(session, principal.org_id, page)
    return Page[EndpointOut](data=[service.endpoint_out(e) for e in rows], next_cursor=cursor)


@router.get(
    "/{endpoint_id:whk_id}",
    operation_id="get_webhook_endpoint",
    summary="Get a webhook endpoint (admin)",
    description="One endpoint: its URL, event types, status, why it was disabled (a 410 from the "
    "receiver disables it) and until when a rotated secret still signs.",
    responses=success(READ, 200, "The endpoint, with its `ETag`."),
)
def get_webhook_endpoint(endpoint: EndpointDep, response: Response) -> EndpointOut:
    set_etag(response, endpoint.version)
    return service.endpoint_out(endpoint)


@router.patch(
    "/{endpoint_id:whk_id}",
    operation_id="update_webhook_endpoint",
    summary="Change a webhook endpoint (admin)",
    description="Change the URL (checked again: `https` to public addresses only), the event "
    "types, the description, or enable it again; needs `If-Match`.",
    responses=success(UPDATE, 200, "The endpoint, with its new `ETag`."),
)
def update_webhook_endpoint(
    _: Admin,
    session: SessionDep,
    request: Request,
    endpoint: EndpointDep,
    body: EndpointPatch,
    if_match: IfMatchHeader,
    response: Response,
) -> EndpointOut:
    check_if_match(if_match, endpoint.version)
    if "url" in body.model_fields_set:
        _check_url(request, body.url, is_sandbox(request))
    service.update_endpoint(session, endpoint, body, clock.real_now())
    set_etag(response, endpoint.version)
    return service.endpoint_out(endpoint)


@router.delete(
    "/{endpoint_id:whk_id}",
    operation_id="delete_webhook_endpoint",
    summary="Delete a webhook endpoint and its delivery log (admin)",
    description="Stops deliveries to this endpoint at once and deletes its delivery log; "
    "events stay in the feed (`list_events`). Needs `If-Match`.",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=UPDATE,
)
def delete_webhook_endpoint(
    _: Admin, session: SessionDep, endpoint: EndpointDep, if_match: IfMatchHeader
) -> None:
    check_if_match(if_match, endpoint.version)
    service.delete_endpoint(session, endpoint)


@router.post(
    "/{endpoint_id:whk_id}/rotate-secret",
    operation_id="rotate_webhook_secret",
    summary="Rotate the signing secret (admin)",
    description="A new secret, shown only in this response. During the overlap every "
    "delivery carries two signatures (new and previous), so receivers can switch without loss.",
    responses=success(WRITE, 200, "The endpoint and its new secret, with its `ETag`."),
)
@secret_response
def rotate_webhook_secret(
    _: Admin,
    session: SessionDep,
    request: Request,
    endpoint: EndpointDep,
    body: RotateSecret,
    response: Response,
) -> EndpointWithSecret:
    service.rotate_secret(session, endpoint, timedelta(hours=body.overlap_hours), clock.real_now())
    set_etag(response, endpoint.version)
    return EndpointWithSecret(
        **service.endpoint_out(endpoint).model_dump(),
        secret=service.secret_of(endpoint, _server_secret(request)),
    )


@router.get(
    "/{endpoint_id:whk_id}/deliveries",
    operation_id="list_webhook_deliveries",
    summary="The endpoint's delivery log (admin)",
    description="Every delivery to this endpoint, newest first: the event, attempts, the last"
    " status or error and when it is tried next (exponential backoff with jitter,"
    " for more than 3 days). `redeliver_webhook` sends one again.",
    responses=READ,
)
def list_webhook_deliveries(
    session: SessionDep,
    endpoint: EndpointDep,
    page: Annotated[DeliveryPageParams, Query()],
    status_: Annotated[
        DeliveryStatus | None,
        Query(alias="status", description="Only in this status.", examples=["failed"]),
    ] = None,
) -> Page[DeliveryOut]:
    rows, cursor = service.list_deliveries(session, endpoint, page, status_)
    return Page[DeliveryOut](data=[service.delivery_out(d) for d in rows], next_cursor=cursor)


@router.post(
    "/{endpoint_id:whk_id}/deliveries/{delivery_id:dlv_id}/redeliver",
    operation_id="redeliver_webhook",
    summary="Deliver an event again (admin)",
    description="Queues the delivery again with the same `webhook-id`; 409 while it is pending.",
    responses=WRITE,
)
def redeliver_webhook(
    session: SessionDep, endpoint: EndpointDep, delivery_id: DeliveryIdPath
) -> DeliveryOut:
    delivery = service.get_delivery(session, endpoint, delivery_id)
    service.redeliver(session, delivery, clock.real_now())
    return service.delivery_out(delivery)


@router.post(
    "/{endpoint_id:whk_id}/test",
    operation_id="test_webhook_endpoint",
    summary="Send a test event now (admin)",
    description="Signs a `webhook.test` event as every delivery is signed (Standard Webhooks, "
    "the endpoint's current secrets) and sends it at once, once, whatever the endpoint's "
    "status and event types; answers what the receiver did (`succeeded`, its status or why "
    "none came, how long it took). Nothing changes: the event is not in the feed, the "
    "delivery log and the endpoint's status stay as they are (a 410 does not disable it). "
    "The receiver's address is checked against the same rules as at every delivery; "
    "a retry with the same `Idempotency-Key` answers the first result without sending again.",
    responses=READ,
)
def test_webhook_endpoint(
    session: SessionDep, request: Request, endpoint: EndpointDep
) -> WebhookTestResult:
    now = clock.real_now()
    event_id, url, headers, body = trial.prepare(endpoint, _server_secret(request), now)
    if getattr(request.state, "idempotency_claim", None) is None:
        # Only read: the connection goes back before the wait (up to 15 s) for the receiver.
        # With an Idempotency-Key the result is recorded with the key, as any POST's, and a
        # retry with that key gets it again without a second send.
        session.close()
    sender: Sender = getattr(request.app.state, "webhook_sender", post)
    return trial.send(
        event_id,
        url,
        headers,
        body,
        now,
        resolve=_resolver(request),
        rules=_rules(request, is_sandbox(request)),
        sender=sender,
    )


WEBHOOK_DESCRIPTION = """Sent to each enabled endpoint subscribed to the event's type,
following the Standard Webhooks specification: headers `webhook-id` (the event id, the same
on every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64
HMAC-SHA256 of "<id>.<timestamp>.<body>">` with the endpoint's secret; two space-separated
signatures during a rotation's overlap). Only a 2xx counts; anything else is retried with
exponential backoff and jitter over more than 3 days; `410 Gone` disables the endpoint.
Redirects are not followed. Verify the signature and the timestamp before trusting a call."""


def _first_sentence(text: str) -> str:
    return " ".join(text.split()).split(". ")[0].rstrip(".")


def _acknowledge() -> None:
    """Answer 2xx quickly; process asynchronously."""


def install_webhook_docs(app: FastAPI) -> None:
    """Document the deliveries in the spec's `webhooks` section: one entry per event type,
    its body that type's event (the schema `GET /v1/events` serves it with)."""
    for model in EVENT_MODELS:
        data = data_model(model)
        name, doc = str(data.event_type), inspect.getdoc(data) or ""
        app.webhooks.add_api_route(
            name,
            _acknowledge,
            methods=["POST"],
            operation_id=f"{name.replace('.', '_')}_webhook",
            summary=f"{name}: {_first_sentence(doc)}",
            description=f"{doc}\n\n{WEBHOOK_DESCRIPTION}",
            tags=["Webhooks"],
            openapi_extra={
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{model.__name__}"},
                            "example": example(model),
                        }
                    },
                }
            },
        )
