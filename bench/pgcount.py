"""A counting TCP proxy between a client and PostgreSQL: how many SQL statements it sends.

    python bench/pgcount.py --port 6543 [--upstream 127.0.0.1:5432]   # prints counts on ^C

It forwards bytes both ways unchanged and parses only the client's (frontend) side of the
protocol (v3): the untyped startup phase (SSLRequest / GSSENCRequest / CancelRequest, then the
StartupMessage), then typed messages `<type byte><int32 length incl. itself><body>`. Each
`Query` (`Q`, simple protocol) and each `Execute` (`E`, extended protocol) is one statement
sent, so BEGIN, COMMIT and the pool's pre-ping count like any SELECT. It also keeps the SQL
text of each (from `Q`, or from the `Parse` the executed portal was bound from) to show which
statements a request runs.

Clients must not negotiate TLS or GSS encryption through it (`sslmode=disable` and
`gssencmode=disable` in the URL): the proxy cannot read an encrypted stream.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections import Counter
from dataclasses import dataclass, field

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
STATEMENT_TYPES = (b"Q", b"E")


def _cstring(body: bytes, start: int = 0) -> tuple[str, int]:
    """A NUL-terminated string of `body` at `start`, and the offset after its NUL."""
    end = body.index(b"\0", start)
    return body[start:end].decode("utf-8", "replace"), end + 1


@dataclass
class FrontendCounter:
    """Parses one connection's client→server byte stream, fed in chunks of any size."""

    messages: Counter[str] = field(default_factory=Counter)  # by type: "Q", "E", "P", …
    statements: Counter[str] = field(default_factory=Counter)  # SQL text → times sent
    startup: bool = True
    _buffer: bytearray = field(default_factory=bytearray)
    _prepared: dict[str, str] = field(default_factory=dict)  # statement name → SQL
    _portals: dict[str, str] = field(default_factory=dict)  # portal name → SQL

    @property
    def sent(self) -> int:
        """Statements sent: Query plus Execute messages."""
        return self.messages["Q"] + self.messages["E"]

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while self._next():
            pass

    def _next(self) -> bool:
        buf = self._buffer
        if self.startup:
            if len(buf) < 8:
                return False
            length = int.from_bytes(buf[:4], "big")
            if len(buf) < length:
                return False
            code = int.from_bytes(buf[4:8], "big")
            del buf[:length]
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                self.messages["encryption-request"] += 1  # refused by the server ("N")
            elif code == CANCEL_REQUEST:
                self.messages["cancel"] += 1
            else:
                self.messages["startup"] += 1
                self.startup = False
            return True
        if len(buf) < 5:
            return False
        kind = bytes(buf[:1])
        length = int.from_bytes(buf[1:5], "big")
        if len(buf) < 1 + length:
            return False
        body = bytes(buf[5 : 1 + length])
        del buf[: 1 + length]
        self.messages[kind.decode("ascii", "replace")] += 1
        self._track(kind, body)
        return True

    def _track(self, kind: bytes, body: bytes) -> None:
        if kind == b"Q":
            self.statements[_cstring(body)[0].strip()] += 1
        elif kind == b"P":  # Parse: statement name, query, …
            name, at = _cstring(body)
            self._prepared[name], _ = _cstring(body, at)
        elif kind == b"B":  # Bind: portal name, statement name, …
            portal, at = _cstring(body)
            statement, _ = _cstring(body, at)
            self._portals[portal] = self._prepared.get(statement, f"<prepared {statement!r}>")
        elif kind == b"E":  # Execute: portal name, row limit
            portal, _ = _cstring(body)
            self.statements[self._portals.get(portal, "<unknown portal>").strip()] += 1


class CountingProxy:
    """The proxy, served by an asyncio loop in a daemon thread of the calling process."""

    def __init__(self, upstream: tuple[str, int], host: str = "127.0.0.1", port: int = 0):
        self.upstream = upstream
        self.host, self.port = host, port
        self._lock = threading.Lock()
        self._counters: list[FrontendCounter] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pgcount", daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> CountingProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the counting proxy did not start")
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def snapshot(self) -> tuple[int, Counter[str]]:
        """Statements sent so far over every connection (open or closed), and their texts."""
        with self._lock:
            texts: Counter[str] = Counter()
            for counter in self._counters:
                texts.update(counter.statements)
            return sum(c.sent for c in self._counters), texts

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, self.host, self.port)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        counter = FrontendCounter()
        with self._lock:
            self._counters.append(counter)
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_w.close()
            return

        async def pump(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, count: bool
        ) -> None:
            try:
                while data := await reader.read(65536):
                    if count:
                        with self._lock:
                            counter.feed(data)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        await asyncio.gather(pump(client_r, server_w, True), pump(server_r, client_w, False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=6543)
    parser.add_argument("--upstream", default="127.0.0.1:5432")
    args = parser.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    proxy = CountingProxy((host, int(port)), port=args.port).start()
    print(f"counting proxy on 127.0.0.1:{proxy.port} → {args.upstream}; ^C prints the counts")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sent, texts = proxy.snapshot()
        print(f"{sent} statement(s) sent")
        for text, times in texts.most_common():
            print(f"{times:8d}  {text[:120]}")


if __name__ == "__main__":
    main()
