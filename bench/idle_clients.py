"""A process holding many idle customer sockets (after hello) open until told to stop.

Prints `READY <opened> <failed>` once every socket has been tried, then waits for a line on stdin and closes them.
"""

import argparse
import asyncio
import json
import sys

from websockets.asyncio.client import connect

CONCURRENCY = 100
FAR_FUTURE_SEQ = 10**12


async def open_one(base: str, token: str, semaphore: asyncio.Semaphore):
    async with semaphore:
        ws = await connect(
            base + "/ws/widget/", max_queue=None, ping_interval=None, compression=None, open_timeout=60, close_timeout=1
        )
        await ws.send(json.dumps({"type": "hello", "token": token, "after_seq": FAR_FUTURE_SEQ}))
        frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if frame.get("type") != "welcome":
            await ws.close()
            raise RuntimeError(f"no welcome: {frame}")
        return ws


async def main(base: str, tokens: list[str]) -> None:
    semaphore = asyncio.Semaphore(CONCURRENCY)
    results = await asyncio.gather(*(open_one(base, t, semaphore) for t in tokens), return_exceptions=True)
    sockets = [r for r in results if not isinstance(r, BaseException)]
    failures = [repr(r)[:200] for r in results if isinstance(r, BaseException)]
    print("READY", len(sockets), len(failures), json.dumps(failures[:3]), flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("tokens")
    args = parser.parse_args()
    with open(args.tokens) as f:
        asyncio.run(main(args.base, json.load(f)))
