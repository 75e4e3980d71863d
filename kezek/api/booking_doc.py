"""The booking operations of the OpenAPI document (issue 18); their bodies and answers are
the models of ``schemas``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from kezek.api import schemas

BODIES: tuple[type[BaseModel], ...] = (schemas.BookingIn, schemas.CancelIn, schemas.MoveIn)
ANSWERS: tuple[type[BaseModel], ...] = (
    schemas.Slot,
    schemas.Booking,
    schemas.CancelledBooking,
    schemas.AltchaChallenge,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref(schemas.Error), description)


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(model)}}}


CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 16},
    "description": "the booking code (1234-5678)",
}


def paths() -> dict[str, Any]:
    query = [
        {"name": "service", "in": "query", "required": True, "schema": {"type": "string"}},
        {
            "name": "date",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "format": "date"},
        },
    ]
    return {
        "/api/slots": {
            "get": {
                "summary": "A day's slots of a service in office time (a closed day: none)",
                "parameters": query,
                "responses": {
                    "200": _json({"type": "array", "items": _ref(schemas.Slot)}, "the slots"),
                    "422": _error("unknown service, or a date that is not YYYY-MM-DD"),
                },
            }
        },
        "/api/bookings/challenge": {
            "get": {
                "summary": "A proof-of-work challenge (ALTCHA) for the booking form",
                "responses": {"200": _json(_ref(schemas.AltchaChallenge), "the challenge")},
            }
        },
        "/api/bookings": {
            "post": {
                "summary": "Book a slot (the challenge solved; a staff token books without)",
                "requestBody": _body(schemas.BookingIn),
                "responses": {
                    "201": _json(_ref(schemas.Booking), "the booking and its manage link"),
                    "409": _error("the slot is full, or a limit per IIN is reached"),
                    "413": _error("body too large"),
                    "422": _error("a bad IIN, a past or closed day, no such slot, a failed check"),
                    "429": _error("too many attempts from this address (Retry-After)"),
                },
            }
        },
        "/api/bookings/{code}/cancel": {
            "post": {
                "summary": "Cancel a booking with its manage token",
                "parameters": [CODE],
                "requestBody": _body(schemas.CancelIn),
                "responses": {
                    "200": _json(_ref(schemas.CancelledBooking), "cancelled"),
                    "403": _error("no token, or not this booking's"),
                    "409": _error("the booking is not open any more"),
                    "413": _error("body too large"),
                    "422": _error("invalid input"),
                },
            }
        },
        "/api/bookings/{code}/move": {
            "post": {
                "summary": "Move a booking to another free slot of its service (manage token)",
                "parameters": [CODE],
                "requestBody": _body(schemas.MoveIn),
                "responses": {
                    "200": _json(_ref(schemas.Booking), "moved: the booking and its manage link"),
                    "403": _error("no token, or not this booking's"),
                    "409": _error("the slot is full, or the booking is not open any more"),
                    "413": _error("body too large"),
                    "422": _error("a bad, past or closed date, or no such slot"),
                    "429": _error("too many moves from this address (Retry-After)"),
                },
            }
        },
        "/api/bookings/{code}/check-in": {
            "post": {
                "summary": "Check in at an enrolled kiosk: the booking's ticket",
                "parameters": [CODE],
                "responses": {
                    "201": _json(_ref(schemas.IssuedTicket), "the ticket, marked with its slot"),
                    "403": _error("not an enrolled kiosk"),
                    "404": _error("no such booking (today)"),
                    "409": _error("outside the check-in window: `opens` says when, or too late"),
                    "422": _error("the service is not available"),
                },
            }
        },
    }
