"""A loopback TCP proxy that can cut or slow connections, for tests of retries and crashes.

    with TcpProxy(server.port) as proxy:           # clients connect to proxy.port
        proxy.cut_after = 20_000                   # drop each connection after 20 kB to the client
        proxy.bytes_per_second = 50_000            # ...and pace what the server sends

Both settings apply to the server->client direction (the greeting and login replies count:
~1 kB for Dovecot), are read live (a change affects open connections too) and may be None
(off). A cut closes both sides: imaplib then raises IMAP4.abort (EOF), or
ConnectionResetError with `cut_with_reset`. `max_cuts` = K cuts the first K connections that
reach `cut_after`, then passes everything (a retry can succeed). Counters: `connections`
(accepted), `cuts`, `bytes_to_client`.
Threads: one accept loop plus two pumps per connection; `stop()` closes everything and
joins them all.
"""

from __future__ import annotations

import socket
import struct
import threading

HOST = "127.0.0.1"
CHUNK = 16384


class _Connection:
    """A client socket, its upstream socket, and the bookkeeping to close them once."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client, self.upstream = client, upstream
        self.sent_to_client = 0
        self.aborted = False
        self._open_pumps = 2
        self._lock = threading.Lock()

    def abort(self, reset: bool = False) -> None:
        """Shut both sockets down, waking any blocked pump (first call wins).

        With `reset` the client gets an RST when the socket is closed instead of a FIN now."""
        with self._lock:
            if self.aborted:
                return
            self.aborted = True
        if reset:
            self.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for sock, how in ((self.client, socket.SHUT_RD if reset else socket.SHUT_RDWR),
                          (self.upstream, socket.SHUT_RDWR)):
            try:
                sock.shutdown(how)
            except OSError:
                pass

    def pump_done(self) -> None:
        """Called by each pump as it ends; the last one closes both sockets."""
        with self._lock:
            self._open_pumps -= 1
            last = self._open_pumps == 0
        if last:
            self.client.close()
            self.upstream.close()


class TcpProxy:
    """Listens on 127.0.0.1 (free port) and forwards each connection to target_host:target_port."""

    def __init__(self, target_port: int, target_host: str = HOST, *, cut_after: int | None = None,
                 bytes_per_second: float | None = None, cut_with_reset: bool = False,
                 max_cuts: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.cut_after, self.bytes_per_second = cut_after, bytes_per_second
        self.cut_with_reset, self.max_cuts = cut_with_reset, max_cuts
        self.host, self.port = HOST, None
        self.connections = self.cuts = self.bytes_to_client = 0
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._open: set[_Connection] = set()
        self._threads: set[threading.Thread] = set()

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> TcpProxy:
        """Bind a free loopback port and accept in a thread (no-op if running)."""
        if self._listener is None:
            self._stopping.clear()
            self._listener = socket.create_server((HOST, 0))
            self._listener.settimeout(0.05)
            self.port = self._listener.getsockname()[1]
            self._spawn(self._accept_loop, self._listener)
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection and join every thread. Idempotent."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        self._stopping.set()
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            connection.abort()
        while True:  # pumps started meanwhile register before the accept thread ends
            with self._lock:
                threads = list(self._threads)
            if not threads:
                break
            for thread in threads:
                thread.join()
        listener.close()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def cut_all(self) -> None:
        """Drop every open connection now."""
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            self._cut(connection)

    # -- threads ------------------------------------------------------------------------

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=self._run, args=(target, *args), daemon=True,
                                  name=f"tcp-proxy-{self.port}")
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _run(self, target, *args) -> None:
        try:
            target(*args)
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connect(client)

    def _connect(self, client: socket.socket) -> None:
        """Open the upstream side and start both pumps (or drop the client if upstream is down)."""
        client.settimeout(None)
        try:
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
        except OSError:
            client.close()
            return
        connection = _Connection(client, upstream)
        with self._lock:
            self.connections += 1
            self._open.add(connection)
            if self._stopping.is_set():  # stop() began meanwhile: it may not have seen us
                connection.abort()
        self._spawn(self._pump_to_server, connection)
        self._spawn(self._pump_to_client, connection)

    def _finish(self, connection: _Connection) -> None:
        with self._lock:
            self._open.discard(connection)
        connection.pump_done()

    def _pump_to_server(self, connection: _Connection) -> None:
        try:
            while data := connection.client.recv(CHUNK):
                connection.upstream.sendall(data)
            if not connection.aborted:
                connection.upstream.shutdown(socket.SHUT_WR)  # pass the client's half-close on
        except OSError:
            connection.abort()
        finally:
            self._finish(connection)

    def _pump_to_client(self, connection: _Connection) -> None:
        try:
            while True:
                if self._cut_due(connection):
                    self._cut(connection)
                    return
                data = connection.upstream.recv(self._next_size(connection))
                if not data:
                    break
                connection.client.sendall(data)
                self._count(connection, len(data))
                self._pace(len(data))
            if not connection.aborted:
                connection.client.shutdown(socket.SHUT_WR)
        except OSError:
            connection.abort()
        finally:
            self._finish(connection)

    # -- cutting and pacing -------------------------------------------------------------

    def _cutting(self) -> bool:
        return self.cut_after is not None and (self.max_cuts is None or self.cuts < self.max_cuts)

    def _cut_due(self, connection: _Connection) -> bool:
        return self._cutting() and connection.sent_to_client >= self.cut_after

    def _next_size(self, connection: _Connection) -> int:
        """How much to read next: no more than the cut allows, small chunks when paced."""
        size = CHUNK
        if self.bytes_per_second:
            size = max(1, min(size, int(self.bytes_per_second / 20)))
        if self._cutting():
            size = max(1, min(size, self.cut_after - connection.sent_to_client))
        return size

    def _count(self, connection: _Connection, size: int) -> None:
        with self._lock:
            connection.sent_to_client += size
            self.bytes_to_client += size

    def _cut(self, connection: _Connection) -> None:
        if not connection.aborted:
            with self._lock:
                self.cuts += 1
        connection.abort(reset=self.cut_with_reset)

    def _pace(self, size: int) -> None:
        """Sleep so that `size` bytes took 1/bytes_per_second each (wakes early on stop)."""
        if self.bytes_per_second:
            self._stopping.wait(size / self.bytes_per_second)
