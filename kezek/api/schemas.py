"""The JSON API's request bodies: pydantic models, strict, with bounded fields, and the one
parser that reads a body within its limit and answers a refusal in the request's language."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request

from kezek.api import guards
from kezek.i18n import N_
from kezek.web import error_json

MAX_BODY = 4096


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    service: str = Field(min_length=1, max_length=32)
    priority: bool = False
    lang: Literal["kk", "ru", "en"] | None = None
    request_id: str | None = Field(
        default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"
    )


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    service: str = Field(min_length=1, max_length=32)


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    reason: str = Field(min_length=1, max_length=500)


async def parse(request: Request, model: type[BaseModel]) -> Any:
    """The validated body, or an error response with a message in the request's language."""
    try:
        raw = await guards.read_body(request, MAX_BODY)
    except guards.TooLarge:
        return error_json(request, 413, "too_large", N_("The request is too large."))
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])[:40] or "body"
        return error_json(
            request,
            422,
            "invalid",
            N_("Field %(field)s is not valid: %(problem)s."),
            params={"field": field, "problem": first["msg"][:120]},
            field=field,
        )
