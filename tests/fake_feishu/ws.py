"""The long-connection side of the fake: a websockets server speaking the SDK's pbbp2 protobuf frames.

`push(app_id, payload)` sends an event as Feishu does (a data frame, headers type/message_id/sum/seq/trace_id)
and returns what the client acknowledged (`{"code": 200, "data": base64(result)}`, the data decoded).
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.asyncio.server import ServerConnection, serve

CONTROL, DATA = 0, 1


def _frame(method: int, headers: dict[str, str], payload: bytes = b"", service: int = 7) -> Frame:
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = 0, 0, service, method
    for key, value in headers.items():
        header = frame.headers.add()
        header.key, header.value = key, value
    frame.payload = payload
    return frame


def _headers(frame: Frame) -> dict[str, str]:
    return {h.key: h.value for h in frame.headers}


class FakeWs:
    def __init__(self, port: int) -> None:
        self.port = port
        self.connections: dict[str, ServerConnection] = {}
        self.connects: dict[str, int] = {}
        self.pings = 0
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-feishu-ws", daemon=True)
        self._server: Any = None

    def start(self) -> None:
        self._thread.start()
        self._call(self._start())

    def stop(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def url(self, app_id: str, device: int) -> str:
        return f"ws://127.0.0.1:{self.port}/ws?device_id={app_id}.{device}&service_id=7"

    def _call(self, coro: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _start(self) -> None:
        self._server = await serve(self._serve, "127.0.0.1", self.port)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, connection: ServerConnection) -> None:
        query = parse_qs(urlsplit(connection.request.path).query)
        app_id = query.get("device_id", ["?"])[0].rsplit(".", 1)[0]
        self.connections[app_id] = connection
        self.connects[app_id] = self.connects.get(app_id, 0) + 1
        try:
            async for message in connection:
                await self._receive(connection, message if isinstance(message, bytes) else message.encode())
        finally:
            if self.connections.get(app_id) is connection:
                del self.connections[app_id]

    async def _receive(self, connection: ServerConnection, raw: bytes) -> None:
        frame = Frame()
        frame.ParseFromString(raw)
        headers = _headers(frame)
        if frame.method == CONTROL and headers.get("type") == "ping":
            self.pings += 1
            await connection.send(_frame(CONTROL, {"type": "pong"}, service=frame.service).SerializeToString())
            return
        future = self._pending.pop(headers.get("message_id", ""), None)
        if frame.method == DATA and future is not None and not future.done():
            future.set_result(json.loads(frame.payload or b"{}"))

    def connected(self, app_id: str) -> bool:
        return app_id in self.connections

    def push(self, app_id: str, payload: dict[str, Any], *, kind: str = "event", timeout: float = 15.0) -> Any:
        """Sends `payload` to the app's client; returns the decoded result it acknowledged (None if empty)."""
        ack = self._call(self._push(app_id, payload, kind), timeout)
        if ack.get("code") != 200:
            raise AssertionError(f"client answered {ack}")
        data = ack.get("data")
        return json.loads(base64.b64decode(data)) if data else None

    async def _push(self, app_id: str, payload: dict[str, Any], kind: str) -> dict[str, Any]:
        message_id = uuid.uuid4().hex
        future: asyncio.Future[dict[str, Any]] = self._loop.create_future()
        self._pending[message_id] = future
        headers = {"type": kind, "message_id": message_id, "sum": "1", "seq": "0", "trace_id": uuid.uuid4().hex}
        frame = _frame(DATA, headers, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        await self.connections[app_id].send(frame.SerializeToString())
        return await asyncio.wait_for(future, 14.0)
