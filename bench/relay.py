"""A bare aiohttp WebSocket relay that speaks just enough of Palaver's ``/ws``
protocol for the C2C scenarios: the yardstick of issue 16.

``python -m bench.relay --port P`` (the orchestrator pins it to the server's
core). Same stack as Palaver (aiohttp + uvloop + orjson), none of its work: no
authentication, no storage, no checks. Per ``sendMessage`` it parses the JSON
frame, looks the receiver up in a dict, answers the sender
(``{"id":N,"code":0,"data":{"message":{...}}}``) and pushes
``{"ev":"MESSAGE_RECEIVED","seq":S,"data":{"message":{...}}}`` to the receiver's
socket (``S`` its own per-user counter), each encoded with ``orjson.dumps``. A
``login`` is answered with ``cursor`` 0 and a ``sync_done`` push; a heartbeat with
the time. This is the trivial 1:1 relay of peers.md §4.2 with Palaver's frame
shapes, so the generator drives it unchanged and Palaver's server CPU per message
can be given as a multiple of it, measured in the same run on the same core.
``POST /v4/{service}/{command}`` parses the JSON body and answers a sendmsg-shaped
OK: the yardstick of the REST scenario.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import orjson
import uvloop
from aiohttp import WSMsgType, web


class Relay:
    def __init__(self) -> None:
        self.sockets: dict[str, web.WebSocketResponse] = {}
        self.seqs: dict[str, int] = {}
        self.next_id = 1

    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def rest(self, request: web.Request) -> web.Response:
        """``POST /v4/{service}/{command}``: the body parsed, answered OK with a
        ``MsgTime`` and ``MsgKey`` (the REST yardstick: HTTP and JSON, nothing else)."""
        body = orjson.loads(await request.read())
        mid = self.next_id
        self.next_id += 1
        now = int(time.time())
        answer = {
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0,
            "MsgTime": now,
            "MsgKey": f"{mid}_{body.get('MsgRandom', 0)}_{now}",
        }
        return web.Response(body=orjson.dumps(answer), content_type="application/json")

    async def ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(decode_text=False, compress=False)
        await ws.prepare(request)
        user = ""
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            req = orjson.loads(msg.data)
            op = req.get("op")
            if op == "sendMessage":
                await self._send(ws, user, req)
            elif op == "login":
                user = req["data"]["userID"]
                self.sockets[user] = ws
                self.seqs.setdefault(user, 0)
                answer = {"id": req["id"], "code": 0, "data": {"cursor": 0}}
                await ws.send_frame(orjson.dumps(answer), WSMsgType.TEXT)
                await ws.send_frame(b'{"ev":"sync_done","data":{}}', WSMsgType.TEXT)
            else:
                answer = {"id": req["id"], "code": 0, "data": {"serverTime": int(time.time())}}
                await ws.send_frame(orjson.dumps(answer), WSMsgType.TEXT)
        if user and self.sockets.get(user) is ws:
            del self.sockets[user]
        return ws

    async def _send(self, ws: web.WebSocketResponse, user: str, req: dict[str, Any]) -> None:
        data = req["data"]
        to = data["to"]
        mid = self.next_id
        self.next_id += 1
        message = {
            "ID": str(mid),
            "from": user,
            "to": to,
            "time": int(time.time()),
            "payload": data.get("payload"),
        }
        await ws.send_frame(
            orjson.dumps({"id": req["id"], "code": 0, "data": {"message": message}}),
            WSMsgType.TEXT,
        )
        peer = self.sockets.get(to)
        if peer is not None:
            seq = self.seqs[to] = self.seqs[to] + 1
            await peer.send_frame(
                orjson.dumps({"ev": "MESSAGE_RECEIVED", "seq": seq, "data": {"message": message}}),
                WSMsgType.TEXT,
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    relay = Relay()
    app = web.Application()
    app.router.add_get("/healthz", relay.healthz)
    app.router.add_get("/ws", relay.ws)
    app.router.add_post("/v4/{service}/{command}", relay.rest)
    uvloop.install()
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
