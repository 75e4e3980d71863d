"""The OpenAPI 3.1 document of /api, written out so clients (and schemathesis) can trust it."""

from __future__ import annotations

from functools import cache
from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_TICKET = {"$ref": "#/components/schemas/Ticket"}  # staff answers: priority, no token
_ISSUED = {"$ref": "#/components/schemas/IssuedTicket"}  # the issuing request: the token
_PUBLIC = {"$ref": "#/components/schemas/PublicTicket"}  # by token: neither


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        401: "no valid staff token",
        404: "no such ticket, service point or action",
        409: "not allowed now (illegal transition, office closed)",
        413: "body too large",
        422: "invalid input",
        403: "not this client's to do: a priority ticket without staff or an enrolled kiosk, a "
        "service point someone else holds today, a ticket at another point, outside the "
        "token's scope",
        429: "past the public limit of tickets per address (Retry-After says when)",
    }
    return {str(code): _json(_ERROR, text[code]) for code in codes}


def _ticket_path(ticket_id: bool = True) -> list[dict[str, Any]]:
    return (
        [
            {
                "name": "ticket_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        ]
        if ticket_id
        else []
    )


def _staff_action(
    summary: str, body: dict[str, Any] | None = None, params: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": params if params is not None else _ticket_path(),
        "responses": {
            "200": _json(_TICKET, "the ticket after the change"),
            **_errors(401, 403, 404, 409, 422),
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _ticket_schema(*, staff: bool = False, token: bool = False) -> dict[str, Any]:
    nullable_int = {"type": ["integer", "null"]}
    nullable_str = {"type": ["string", "null"]}
    properties: dict[str, Any] = {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "service": {"type": "string"},
        "lang": {"type": "string"},
        "issued_at": nullable_str,
        "called_at": nullable_str,
        "status": {"enum": [*_STATUSES]},
        "service_point": nullable_str,
        "recall_count": {"type": "integer"},
        "position": nullable_int,
        "estimated_wait_minutes": nullable_int,
    }
    if staff:
        properties["priority"] = {"type": "boolean"}  # §11: never in a public answer
    if token:
        properties["status_url"] = {"type": "string"}  # only the issuing request learns it
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "code", "service", "status"],
        "properties": properties,
    }


_STATUSES = (
    "waiting",
    "called",
    "serving",
    "served",
    "no_show",
    "cancelled",
    "transferred",
    "closed",
)


@cache
def openapi() -> dict[str, Any]:
    point = {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "maxLength": 32},
    }
    paths: dict[str, Any] = {
        "/api/tickets": {
            "post": {
                "summary": "Take a ticket (the kiosk does this)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/TicketIn"}}
                    },
                },
                "responses": {
                    "201": _json(
                        _ISSUED, "the new ticket (or the same one for a repeated request_id)"
                    ),
                    **_errors(403, 409, 413, 422, 429),
                },
            }
        },
        "/api/tickets/{ticket_id}": {
            "get": {
                "summary": "A ticket by id, for staff (a token or a console session)",
                "security": [{"bearer": []}],
                "parameters": _ticket_path(),
                "responses": {"200": _json(_TICKET, "the ticket"), **_errors(401, 404)},
            }
        },
        "/api/tickets/by-token/{token}": {
            "get": {
                "summary": "A ticket's state, position and estimated wait, by its secret token",
                "parameters": [
                    {
                        "name": "token",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "minLength": 16, "maxLength": 64},
                    }
                ],
                "responses": {"200": _json(_PUBLIC, "the ticket"), **_errors(404)},
            }
        },
        "/api/queue": {
            "get": {
                "summary": "Per service: waiting, being served, oldest wait",
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Queue"}, "the queue now")
                },
            }
        },
        "/api/service-points/{code}/call-next": {
            "post": {
                **_staff_action("Call the next ticket to this service point", params=[point]),
                "responses": {
                    "200": _json(_TICKET, "the called ticket"),
                    "204": {"description": "nobody is waiting"},
                    **_errors(401, 403, 404, 409),
                },
            }
        },
        "/api/service-points/{code}/call/{ticket_id}": {
            "post": _staff_action(
                "Call a chosen ticket out of order (the reason is recorded)",
                body={
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["reason"],
                    "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500}},
                },
                params=[point, *_ticket_path()],
            )
        },
        "/api/tickets/{ticket_id}/transfer": {
            "post": _staff_action(
                "Transfer to another service (the wait keeps counting from the first issue)",
                body={
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["service"],
                    "properties": {"service": {"type": "string", "minLength": 1, "maxLength": 32}},
                },
            )
        },
    }
    for action, summary in (
        ("recall", "Call the ticket again"),
        ("start", "Start serving"),
        ("finish", "Finish: served"),
        ("no-show", "The visitor did not come"),
        ("cancel", "Cancel the ticket"),
    ):
        paths[f"/api/tickets/{{ticket_id}}/{action}"] = {"post": _staff_action(summary)}
    nullable_int = {"type": ["integer", "null"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kezek API", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "TicketIn": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["service"],
                    "properties": {
                        "service": {"type": "string", "minLength": 1, "maxLength": 32},
                        "priority": {"type": "boolean"},
                        "lang": {"enum": ["kk", "ru", "en", None]},
                        "request_id": {
                            "type": ["string", "null"],
                            "minLength": 8,
                            "maxLength": 64,
                            "pattern": "^[A-Za-z0-9_-]+$",
                        },
                    },
                },
                "Ticket": _ticket_schema(staff=True),
                "IssuedTicket": _ticket_schema(token=True),
                "PublicTicket": _ticket_schema(),
                "Queue": {
                    "type": "object",
                    "properties": {
                        "open": {"type": "boolean"},
                        "services": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "service": {"type": "string"},
                                    "name": {"type": "string"},
                                    "waiting": {"type": "integer"},
                                    "being_served": {"type": "integer"},
                                    "oldest_wait_minutes": nullable_int,
                                },
                            },
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    }
