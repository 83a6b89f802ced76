"""A load generator process: customers that send every `interval` seconds to the agents holding their chats.

Started by the runner with a JSON spec; prints READY once every socket is open, waits for `GO <epoch>` on stdin,
sends on a fixed schedule until warm-up + duration have passed, then writes its measurements as JSON. Every
loop is bounded by that schedule. The send time travels in the message body, so the agent side measures
customer→agent latency on the same clock.
"""

import argparse
import asyncio
import contextlib
import json
import random
import resource
import sys
import time
import uuid

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

CONNECT_CONCURRENCY = 50
GRACE_S = 2.0
FAR_FUTURE_SEQ = 10**12  # hello with after_seq beyond any message: no replay on connect


class Results:
    def __init__(self, window_start_ns: int, window_end_ns: int):
        self.window_start_ns = window_start_ns
        self.window_end_ns = window_end_ns
        self.received_in_window = 0  # deliveries that arrived during the window, whenever they were sent
        self.deliver_ms: list[float] = []
        self.ack_ms: list[float] = []
        self.sent = 0
        self.acked_total = 0
        self.delivered_total = 0
        self.errors: list[str] = []

    def in_window(self, sent_ns: int) -> bool:
        return sent_ns >= self.window_start_ns


async def open_socket(spec: dict, path: str, *, cookie: str | None = None, port: int | None = None):
    """A client socket; `port` picks one of several server processes (the spec's own port otherwise)."""
    headers = {"Cookie": cookie} if cookie else None
    port = port or spec["port"]
    return await connect(
        f"ws://127.0.0.1:{port}{path}",
        origin=f"http://127.0.0.1:{port}" if spec["mode"] == "product" else None,
        additional_headers=headers,
        max_queue=None,
        ping_interval=None,
        compression=None,
        open_timeout=60,
        close_timeout=2,
    )


async def open_agent(spec: dict, agent: dict):
    if spec["mode"] == "product":
        ws = await open_socket(spec, "/ws/agent/", cookie=agent["cookie"], port=agent.get("port"))
        while json.loads(await ws.recv())["type"] != "queue":
            pass  # welcome, then queue
        return ws
    ws = await open_socket(spec, f"/agent/{agent['id']}")
    await ws.recv()
    return ws


async def open_customer(spec: dict, customer: dict):
    if spec["mode"] == "product":
        ws = await open_socket(spec, "/ws/widget/", port=customer.get("port"))
        await ws.send(json.dumps({"type": "hello", "token": customer["token"], "after_seq": FAR_FUTURE_SEQ}))
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome" or welcome.get("conversation") != customer["conversation"]:
            raise RuntimeError(f"unexpected welcome {welcome}")
        return ws
    ws = await open_socket(spec, f"/customer/{customer['conversation']}/{customer['agent']}")
    await ws.recv()
    return ws


async def read_agent(ws, results: Results) -> None:
    with contextlib.suppress(ConnectionClosed):
        await _read_agent(ws, results)


async def read_customer(ws, pending: dict, results: Results) -> None:
    with contextlib.suppress(ConnectionClosed):
        await _read_customer(ws, pending, results)


async def _read_agent(ws, results: Results) -> None:
    async for text in ws:
        received = time.time_ns()
        frame = json.loads(text)
        if frame.get("type") not in ("message", "send"):
            continue
        sent_ns = int(str(frame.get("body", "0")).split(" ", 1)[0] or 0)
        results.delivered_total += 1
        if results.window_start_ns <= received < results.window_end_ns:
            results.received_in_window += 1
        if sent_ns and results.in_window(sent_ns):
            results.deliver_ms.append((received - sent_ns) / 1e6)


async def _read_customer(ws, pending: dict, results: Results) -> None:
    async for text in ws:
        received = time.time_ns()
        frame = json.loads(text)
        if frame.get("type") == "ack":
            sent_ns = pending.pop(frame.get("client_msg_id"), None)
            results.acked_total += 1
            if sent_ns is not None and results.in_window(sent_ns):
                results.ack_ms.append((received - sent_ns) / 1e6)
        elif frame.get("type") == "error":
            results.errors.append(text[:200])


async def send_loop(ws, customer: dict, spec: dict, t0: float, pending: dict, results: Results) -> None:
    """Send at t0 + phase + k*interval, for k while the time stays inside warm-up + duration."""
    interval, end = spec["interval"], t0 + spec["warmup"] + spec["duration"]
    moment = t0 + random.random() * interval
    while moment < end:
        await asyncio.sleep(max(0.0, moment - time.time()))
        client_msg_id = str(uuid.uuid4())
        sent_ns = time.time_ns()
        pending[client_msg_id] = sent_ns
        frame = {"type": "send", "client_msg_id": client_msg_id, "body": f"{sent_ns} bench message", "kind": "text"}
        if not spec.get("omit_conversation"):
            frame["conversation"] = customer["conversation"]  # docs/protocol.md lets a customer leave it out
        try:
            await ws.send(json.dumps(frame))
        except ConnectionClosed:
            # The server dropped this socket: what it had not delivered counts as lost, the run goes on.
            results.errors.append(f"socket of conversation {customer['conversation']} closed by the server")
            return
        if results.in_window(sent_ns):
            results.sent += 1
        moment += interval


async def gated(semaphore: asyncio.Semaphore, coroutine):
    async with semaphore:
        return await coroutine


async def run(spec: dict) -> dict:
    semaphore = asyncio.Semaphore(CONNECT_CONCURRENCY)
    opened = time.monotonic()
    agents = await asyncio.gather(*(gated(semaphore, open_agent(spec, a)) for a in spec["agents"]))
    customers = await asyncio.gather(*(gated(semaphore, open_customer(spec, c)) for c in spec["customers"]))
    connect_s = time.monotonic() - opened
    print("READY", flush=True)
    line = await asyncio.to_thread(sys.stdin.readline)
    t0 = float(line.split()[1])
    results = Results(int((t0 + spec["warmup"]) * 1e9), int((t0 + spec["warmup"] + spec["duration"]) * 1e9))
    pending: dict[str, int] = {}
    readers = [asyncio.create_task(read_agent(ws, results)) for ws in agents]
    readers += [asyncio.create_task(read_customer(ws, pending, results)) for ws in customers]
    pairs = zip(customers, spec["customers"], strict=True)
    await asyncio.gather(*(send_loop(ws, c, spec, t0, pending, results) for ws, c in pairs))
    await asyncio.sleep(GRACE_S)
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in [*agents, *customers]), return_exceptions=True)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "deliver_ms": results.deliver_ms,
        "ack_ms": results.ack_ms,
        "sent": results.sent,
        "acked_total": results.acked_total,
        "delivered_total": results.delivered_total,
        "received_in_window": results.received_in_window,
        "unacked": len(pending),
        "errors": results.errors[:20],
        "error_count": len(results.errors),
        "connect_s": connect_s,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }


def main(run_spec) -> None:
    """A client process's entry point: `python -m bench.<module> SPEC OUT` runs `run_spec(spec)`, writes its result."""
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("out")
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    result = asyncio.run(run_spec(spec))
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(run)
