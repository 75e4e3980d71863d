"""The OpenAPI 3.1 document of /api, so clients (and schemathesis) can trust it.

The paths (what each operation is, its parameters and answers) are written here; every body
and answer schema is made from the pydantic models of ``schemas`` (the status enum from
``Status``), so the document cannot drift from what is validated and sent."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from kezek.api import booking_doc, schemas, visitor


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


_ERROR = _ref(schemas.Error)
_TICKET = _ref(schemas.Ticket)  # staff answers: priority, no token
_ISSUED = _ref(schemas.IssuedTicket)  # the issuing request: the token
_PUBLIC = _ref(schemas.PublicTicket)  # by token: neither
_BODIES: tuple[type[BaseModel], ...] = (schemas.TicketIn, schemas.TransferIn, schemas.CallIn)
_BODIES += (schemas.PauseIn, schemas.NoticeIn, *booking_doc.BODIES)
_ANSWERS: tuple[type[BaseModel], ...] = (schemas.Ticket, schemas.IssuedTicket, schemas.PublicTicket)
_ANSWERS += (schemas.Queue, schemas.PointState, schemas.ClerkStats, schemas.Forecast)
_ANSWERS += (schemas.Notice, schemas.Error, *booking_doc.ANSWERS)


def _components() -> dict[str, Any]:
    """Every model's JSON schema, its nested models and enums beside it."""
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [(m, "validation") for m in _BODIES]
    modes += [(m, "serialization") for m in _ANSWERS]
    by_model, top = models_json_schema(modes, ref_template="#/components/schemas/{model}")
    found: dict[str, Any] = dict(top.get("$defs", {}))
    for (model, _mode), schema in by_model.items():
        found.setdefault(model.__name__, schema)
    return found


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        401: "no valid staff token",
        404: "no such ticket, service point or action",
        409: "not allowed now (illegal transition, office closed, the point paused, too "
        "many recalls, past the return window, no notice shown in the hall)",
        413: "body too large",
        422: "invalid input",
        503: "the plan took longer than its time limit",
        403: "not this client's to do: a priority ticket without staff or an enrolled kiosk, a "
        "service point someone else holds today, a ticket at another point, outside the "
        "token's scope, a clerk's token where a supervisor's is needed",
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


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(model)}}}


def _staff_action(
    summary: str,
    body: type[BaseModel] | None = None,
    params: list[dict[str, Any]] | None = None,
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
        op["requestBody"] = _body(body)
    return op


def _stats() -> dict[str, Any]:
    """Issue 17: the statistics per clerk and per cabinet, for a supervisor's token."""
    day = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    return {
        "summary": "Statistics per clerk and per cabinet for a period (a supervisor's token)",
        "security": [{"bearer": []}],
        "parameters": [
            {"name": name, "in": "query", "required": True, "schema": day}
            for name in ("from", "to")
        ],
        "responses": {
            "200": _json(_ref(schemas.ClerkStats), "the figures of the period (both days in)"),
            **_errors(401, 403, 422),
        },
    }


def _notice() -> dict[str, Any]:
    """Issue 17: the hall's notice, for a supervisor's token."""
    return {
        "post": {
            "summary": "Show a notice on the hall displays for N minutes, said once "
            "(a supervisor's token; plain text, no personal data; replaces the one shown)",
            "security": [{"bearer": []}],
            "requestBody": _body(schemas.NoticeIn),
            "responses": {
                "201": _json(_ref(schemas.Notice), "the notice now shown"),
                **_errors(401, 403, 413, 422),
            },
        },
        "delete": {
            "summary": "Withdraw the notice shown on the hall displays (a supervisor's token)",
            "security": [{"bearer": []}],
            "responses": {
                "204": {"description": "withdrawn"},
                **_errors(401, 403, 409),
            },
        },
    }


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
                "requestBody": _body(schemas.TicketIn),
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
                "responses": {"200": _json(_ref(schemas.Queue), "the queue now")},
            }
        },
        "/api/forecast": {
            "get": {
                "summary": "The hourly plan of a day: visits expected, cabinets, 1.2 (supervisors)",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "date",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "format": "date"},
                    },
                    {
                        "name": "target",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "number", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {
                    "200": _json(_ref(schemas.Forecast), "the plan"),
                    **_errors(401, 403, 422, 503),
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
        "/api/service-points/{code}/next": {
            "post": {
                **_staff_action(
                    "Finish the ticket in hand (served) and call the next, in one action",
                    params=[point],
                ),
                "responses": {
                    "200": _json(_TICKET, "the called ticket"),
                    "204": {"description": "nobody is waiting (the one in hand is finished)"},
                    **_errors(401, 403, 404, 409),
                },
            }
        },
        "/api/service-points/{code}/call/{ticket_id}": {
            "post": _staff_action(
                "Call a chosen ticket out of order (the reason is recorded)",
                body=schemas.CallIn,
                params=[point, *_ticket_path()],
            )
        },
        "/api/tickets/{ticket_id}/transfer": {
            "post": _staff_action(
                "Transfer to another service (the wait keeps counting from the first issue)",
                body=schemas.TransferIn,
            )
        },
        "/api/stats/clerks": {"get": _stats()},
        "/api/displays/message": _notice(),
    }
    state = _json(_ref(schemas.PointState), "the service point's pause now")
    paths["/api/service-points/{code}/pause"] = {
        "post": {
            **_staff_action(
                "Pause this service point with a reason (break, paperwork, other + note); "
                "refused with a ticket in hand or when paused already",
                body=schemas.PauseIn,
                params=[point],
            ),
            "responses": {"200": state, **_errors(401, 403, 404, 409, 413, 422)},
        }
    }
    paths["/api/service-points/{code}/resume"] = {
        "post": {
            **_staff_action("End this service point's pause", params=[point]),
            "responses": {"200": state, **_errors(401, 403, 404, 409)},
        }
    }
    paths["/api/tickets/{ticket_id}/return"] = {
        "post": _staff_action(
            "A no-show comes back: a new waiting row behind those waiting now, within the "
            "profile's return_window_minutes of the no-show (else 409); the answer is that row"
        )
    }
    for action, summary in (
        ("recall", "Call the ticket again"),
        ("start", "Start serving"),
        ("finish", "Finish: served"),
        ("no-show", "The visitor did not come"),
        ("cancel", "Cancel the ticket"),
    ):
        paths[f"/api/tickets/{{ticket_id}}/{action}"] = {"post": _staff_action(summary)}
    paths.update(booking_doc.paths())  # §10 pre-registration (issue 18)
    paths.update(visitor.paths())  # issue 17: "I am running late"
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kezek API", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _components(),
        },
    }
