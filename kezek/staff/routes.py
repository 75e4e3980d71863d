"""Placeholder until its issue lands."""

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route


def page(request: Request) -> Response:
    return PlainTextResponse("")


routes: list[BaseRoute] = [Route("/", page, name="staff")]
