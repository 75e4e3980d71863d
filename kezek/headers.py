"""The outermost layer of every answer: the security headers, the office of an ``/o/<slug>/``
prefix, and the language cookie when ``?lang=`` chose one."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kezek import i18n

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


OFFICE_PREFIX = "/o/"


class Headers:
    """Security headers on every answer, and the language cookie when ``?lang=`` chose one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = _query_lang(scope.get("query_string", b""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"server"]
                headers.extend(SECURITY_HEADERS)
                if chosen:
                    headers.append(
                        (
                            b"set-cookie",
                            f"{i18n.COOKIE}={chosen}; Path=/; "
                            f"Max-Age=31536000; SameSite=Lax".encode(),
                        )
                    )
                message["headers"] = headers
            await send(message)

        path: str = scope["path"]
        if not path.isprintable() or b"%00" in scope.get("query_string", b""):
            # A NUL or control character is no address (PostgreSQL cannot even compare a NUL)
            await PlainTextResponse("Bad Request", 400)(scope, receive, send_with_headers)
            return
        if path.startswith(OFFICE_PREFIX):
            # /o/<slug>/… serves another office of the same database: routes match below the
            # prefix, and url_for() keeps it (it is the root path).
            slug = path[len(OFFICE_PREFIX) :].split("/", 1)[0]
            office_state = getattr(scope["app"].state, "offices", {}).get(slug)
            if office_state is None:
                await PlainTextResponse("Not Found", 404)(scope, receive, send_with_headers)
                return
            scope = {
                **scope,
                "kezek.office": office_state,
                "root_path": scope.get("root_path", "") + OFFICE_PREFIX + slug,
            }

        await self.app(scope, receive, send_with_headers)


def _query_lang(query: bytes) -> str | None:
    for part in query.split(b"&"):
        key, _, value = part.partition(b"=")
        if key == b"lang" and value.decode(errors="replace") in i18n.LANGUAGES:
            return value.decode()
    return None
