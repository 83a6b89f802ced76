"""The client's address, for HTTP and websockets: X-Forwarded-For counts only when a trusted proxy sent it.

Anyone who reaches the server directly can write an X-Forwarded-For header, so believing it from everyone gives an
attacker a fresh address per request, and the per-address sign-in limit never triggers. The peer's address is the
truth unless the peer is one of HELPDESK_TRUSTED_PROXIES (addresses or networks; default none); then the client is
the right-most address in the header that is not itself a trusted proxy (proxies append; what is left of them was
written by the client and proves nothing). Run uvicorn with --no-proxy-headers so that this is the only place that
decides (uvicorn's own default believes the header from 127.0.0.1).
"""

import ipaddress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxyHeaders:
    """ASGI middleware: rewrite scope["client"] from X-Forwarded-For when the peer is a trusted proxy."""

    def __init__(self, app, trusted: list[Network]):
        self.app = app
        self.networks = trusted

    async def __call__(self, scope, receive, send):
        if self.networks and scope["type"] in ("http", "websocket"):
            client = self.client_of(scope)
            if client is not None:
                scope = {**scope, "client": (client, 0)}
        return await self.app(scope, receive, send)

    def client_of(self, scope) -> str | None:
        """The client the trusted proxy saw, or None to keep the peer."""
        peer = scope.get("client")
        if not peer or not self.trusted(peer[0]):
            return None
        forwarded = b",".join(value for name, value in scope.get("headers", []) if name == b"x-forwarded-for")
        hops = [hop.strip() for hop in forwarded.decode("latin-1").split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.trusted(hop):
                return hop[:64]
        return hops[0] if hops else None  # every hop is one of our proxies: the first is as far as we can see

    def trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)
