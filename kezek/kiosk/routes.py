"""The lobby kiosk (placeholder until the kiosk issue lands)."""

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route


def ticket_status(request: Request) -> Response:
    return PlainTextResponse("")


routes: list[BaseRoute] = [Route("/", ticket_status, name="kiosk")]
public_routes: list[BaseRoute] = [Route("/t/{token}", ticket_status, name="ticket_status")]
