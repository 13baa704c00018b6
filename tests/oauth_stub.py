"""A loopback OAuth2 token-introspection endpoint for Dovecot's oauth2 passdb.

    with OAuthStub("secretariat@example.org") as stub:   # stub.url, stub.token
        Dovecot(dir, oauth2_introspection_url=stub.url)

Dovecot POSTs `token=...` (form-encoded); a known token gets
{"active": true, "username": <its user>}, anything else {"active": false}.
`tokens` maps token -> user and may be changed while running (e.g. to revoke a token);
`requests` lists the tokens asked about, in order.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

DEFAULT_TOKEN = "test-oauth-token"


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins the request threads
    block_on_close = True


class _Handler(BaseHTTPRequestHandler):
    timeout = 5  # a silent client cannot hold a request thread (and stop()) forever
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0]
        stub: OAuthStub = self.server.stub
        stub.requests.append(token)
        user = stub.tokens.get(token)
        answer = {"active": True, "username": user} if user else {"active": False}
        self._reply(200, answer)

    def do_GET(self) -> None:
        self._reply(405, {"error": "POST token=... please"})

    def _reply(self, status: int, answer: dict) -> None:
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # keep test output clean
        pass


class OAuthStub:
    """An introspection endpoint on 127.0.0.1 (free port) served by one background thread."""

    def __init__(self, username: str, token: str = DEFAULT_TOKEN) -> None:
        self.username, self.token = username, token
        self.tokens: dict[str, str] = {token: username}
        self.requests: list[str] = []
        self.host = "127.0.0.1"
        self.port: int | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/introspect"

    def start(self) -> OAuthStub:
        """Bind a free loopback port and serve in a thread (no-op if running)."""
        if self._server is None:
            self._server = _Server((self.host, 0), _Handler)
            self._server.stub = self
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name=f"oauth-stub-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join every thread. Idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        self._thread.join()
        self._thread = None

    def __enter__(self) -> OAuthStub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
