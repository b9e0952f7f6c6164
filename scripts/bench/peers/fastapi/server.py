"""Baseline peer for the bench: FastAPI + uvicorn WebSocket broadcast, the shape of the Python seeds.

Join a room, broadcast to its members, nothing else.
"""
from collections import defaultdict

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()
rooms: dict[str, set[WebSocket]] = defaultdict(set)


@app.get("/")
async def health() -> dict:
    return {"ok": True}


@app.websocket("/ws")
async def ws_endpoint(ws: WebSocket) -> None:
    await ws.accept()
    joined: set[str] = set()
    try:
        while True:
            frame = await ws.receive_json()
            room = str(frame.get("room", ""))
            if frame.get("type") == "join":
                rooms[room].add(ws)
                joined.add(room)
            elif frame.get("type") == "send":
                out = {"type": "message", "room": room, "text": frame.get("text", "")}
                for peer in list(rooms.get(room, ())):
                    try:
                        await peer.send_json(out)
                    except Exception:
                        rooms[room].discard(peer)
    except (WebSocketDisconnect, RuntimeError):  # RuntimeError: the client left mid-receive
        pass
    finally:
        for room in joined:
            rooms[room].discard(ws)
