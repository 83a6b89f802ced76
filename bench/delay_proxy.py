"""A TCP proxy that holds every chunk from the client for DELAY seconds before passing it on: a slow RPC node.

Usage: python -m bench.delay_proxy LISTEN_PORT TARGET_PORT DELAY_S
"""

import asyncio
import contextlib
import sys


async def pipe(reader, writer, delay: float) -> None:
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(65536):
            if delay:
                await asyncio.sleep(delay)
            writer.write(chunk)
            await writer.drain()
    writer.close()


async def main(listen: int, target: int, delay: float) -> None:
    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, 0))

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
