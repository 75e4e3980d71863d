"""A fake Telegram Bot API on 127.0.0.1 (no network): getMe, getUpdates (long poll),
sendMessage, answered in the real API's shapes (``{"ok": true, "result": …}``), so the bot's
library talks to it as to api.telegram.org. ``say`` is a visitor writing to the bot;
``sent`` is what the bot wrote back."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT = {"id": 777, "is_bot": True, "first_name": "Kezek", "username": "kezek_office_bot"}


class FakeBotApi:
    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.lock = threading.Lock()
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.blocked: set[int] = set()  # chats that blocked the bot: 403, as the real API
        self.slow: float = 0.0  # seconds each sendMessage takes (a bad network)
        self.tokens: set[str] = set()
        self._next = 1
        self.app = Starlette(
            routes=[Route("/bot{token}/{method}", self.method, methods=["POST", "GET"])]
        )
        self.server: uvicorn.Server | None = None

    # --- what the test does --------------------------------------------------------------

    def say(self, chat_id: int, text: str, language: str = "ru") -> None:
        with self.lock:
            update_id = self._next
            self._next += 1
            self.updates.append(
                {
                    "update_id": update_id,
                    "message": {
                        "message_id": update_id,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private", "first_name": "V"},
                        "from": {
                            "id": chat_id,
                            "is_bot": False,
                            "first_name": "V",
                            "language_code": language,
                        },
                        "text": text,
                    },
                }
            )

    def texts(self, chat_id: int) -> list[str]:
        with self.lock:
            return [m["text"] for m in self.sent if m["chat_id"] == chat_id]

    # --- the API -------------------------------------------------------------------------

    async def method(self, request: Request) -> JSONResponse:
        self.tokens.add(request.path_params["token"])
        params = await _params(request)
        name = request.path_params["method"]
        if name == "getMe":
            return _ok(BOT)
        if name == "getUpdates":
            return _ok(await self._updates(params))
        if name == "sendMessage":
            return await self._send(params)
        return _ok(True)  # deleteWebhook, close, …

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        while True:
            with self.lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                found = list(self.updates)
            if found or time.monotonic() >= deadline:
                return found
            await asyncio.sleep(0.02)

    async def _send(self, params: dict[str, Any]) -> JSONResponse:
        chat_id = int(params["chat_id"])
        if self.slow:
            await asyncio.sleep(self.slow)
        if chat_id in self.blocked:
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                },
                status_code=403,
            )
        with self.lock:
            self.sent.append({"chat_id": chat_id, "text": params["text"]})
            message_id = len(self.sent)
        return _ok(
            {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT,
                "text": params["text"],
            }
        )

    # --- running it ----------------------------------------------------------------------

    def start(self) -> None:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        thread = threading.Thread(target=self.server.run, daemon=True)
        thread.start()
        self.thread = thread
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake Bot API did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


async def _params(request: Request) -> dict[str, Any]:
    """The method's parameters: JSON, or form fields whose values are JSON (as PTB sends)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body: dict[str, Any] = await request.json()
        return body
    form = await request.form()
    out: dict[str, Any] = dict(request.query_params)
    for key, value in form.items():
        text = value if isinstance(value, str) else ""
        try:
            out[key] = json.loads(text)
        except ValueError:
            out[key] = text
    return out
