"""The surge's client process: new customers who each open the widget socket, say hello and send a first message at
their moment of the window, and (in one process) a few agents with the console's socket open, recording every queue
frame they receive.

Started by bench/surge.py with a JSON spec; prints READY once the agents are connected, waits for `GO <epoch>` on
stdin, then runs the schedule and stops by itself: when every customer has been acked and every agent has seen a
queue frame read after the last ack, or at the deadline. Writes its measurements as JSON.
"""

import asyncio
import contextlib
import json
import resource
import sys
import time
import uuid
from datetime import datetime

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from bench.loadgen import main

AFTER_WINDOW_S = 30.0  # the longest the run waits after the last customer's moment
CLOSE_TIMEOUT_S = 2


class Refused(Exception):
    """The server answered the first message with an error frame: no ack will come."""


def url(spec: dict, path: str) -> str:
    return f"ws://127.0.0.1:{spec['port']}{path}"


async def open_socket(spec: dict, path: str, cookie: str | None = None):
    return await connect(
        url(spec, path),
        origin=f"http://127.0.0.1:{spec['port']}",
        additional_headers={"Cookie": cookie} if cookie else None,
        max_queue=None,
        max_size=None,  # measure a frame of any size rather than refuse it
        ping_interval=None,
        compression=None,
        open_timeout=60,
        close_timeout=CLOSE_TIMEOUT_S,
    )


class Agent:
    def __init__(self, index: int):
        self.index = index
        self.frames: list[dict] = []  # every queue frame: when it arrived, what it was read as of, its size

    async def listen(self, ws) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for text in ws:
                received = time.time()
                frame = json.loads(text)
                if frame.get("type") != "queue":
                    continue
                as_of = datetime.fromisoformat(frame["as_of"]).timestamp() if frame.get("as_of") else None
                self.frames.append(
                    {"at": received, "as_of": as_of, "bytes": len(text.encode()), "total": frame.get("total")}
                )

    def saw_all(self, total: int) -> bool:
        """A frame that counts at least `total` waiting chats: every chat of the run (none is accepted in it)."""
        return any((f["total"] or 0) >= total for f in self.frames)


async def customer(spec: dict, entry: dict, moment: float, out: dict, sockets: list) -> None:
    """Connect at `moment`, hello, send the first message; record hello→welcome and send→ack."""
    await asyncio.sleep(max(0.0, moment - time.time()))
    record = out[entry["sub"]] = {"start": time.time()}
    try:
        ws = await open_socket(spec, "/ws/widget/")
        sockets.append(ws)
        record["opened"] = time.time()
        await ws.send(json.dumps({"type": "hello", "token": entry["token"]}))
        await _until(ws, "welcome", record)
        record["welcome"] = time.time()
        client_msg_id = str(uuid.uuid4())
        record["sent"] = time.time()
        await ws.send(json.dumps({"type": "send", "client_msg_id": client_msg_id, "body": entry["body"]}))
        ack = await _until(ws, "ack", record)
        record.update(ack=time.time(), conversation=ack["conversation"])
    except (OSError, WebSocketException, TimeoutError, Refused) as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"[:200]


async def _until(ws, frame_type: str, record: dict) -> dict:
    while True:
        frame = json.loads(await ws.recv())
        if frame.get("type") == frame_type:
            return frame
        if frame.get("type") == "error":
            record.setdefault("errors", []).append(frame)
            if frame_type == "ack":
                raise Refused(frame.get("code"))


async def run(spec: dict) -> dict:
    agents = [Agent(k) for k in range(len(spec["agents"]))]
    agent_sockets = [await open_socket(spec, "/ws/agent/", cookie=a["cookie"]) for a in spec["agents"]]
    listeners = [asyncio.create_task(a.listen(ws)) for a, ws in zip(agents, agent_sockets, strict=True)]
    print("READY", flush=True)
    t0 = float((await asyncio.to_thread(sys.stdin.readline)).split()[1])
    window, count = spec["window"], len(spec["customers"])
    records: dict[str, dict] = {}
    sockets: list = []
    moments = [t0 + window * (spec["offset"] + n * spec["stride"]) / spec["total"] for n in range(count)]
    tasks = [
        asyncio.create_task(customer(spec, entry, moment, records, sockets))
        for entry, moment in zip(spec["customers"], moments, strict=True)
    ]
    deadline = t0 + window + AFTER_WINDOW_S
    await asyncio.wait(tasks, timeout=max(1.0, deadline - time.time()))
    # Until every agent's queue counts every new chat (the other client process's too), or the deadline.
    while agents and time.time() < deadline and not all(a.saw_all(spec["expect_total"]) for a in agents):
        await asyncio.sleep(0.05)
    for task in [*tasks, *listeners]:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in [*sockets, *agent_sockets]), return_exceptions=True)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "t0": t0,
        "customers": records,
        "agents": [a.frames for a in agents],
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }


if __name__ == "__main__":
    main(run)
