"""The counting proxy's parser (bench/pgcount.py) on a recorded client byte stream.

`pg_frontend_stream.bin` is what psycopg 3 sent to PostgreSQL 15 through the proxy for:
connect (sslmode=prefer: an SSLRequest, refused, then the StartupMessage), `SELECT 1`
(psycopg opens the transaction: BEGIN), a nested transaction (SAVEPOINT … RELEASE) around
`SELECT %s::int` with a parameter (extended protocol: Parse, Bind, Describe, Execute, Sync),
`SELECT 3`, COMMIT on leaving the connection block, then Terminate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pgcount import CANCEL_REQUEST, FrontendCounter

STREAM = (Path(__file__).parent / "pg_frontend_stream.bin").read_bytes()
STATEMENTS = {
    "BEGIN": 1,
    "SELECT 1": 1,
    'SAVEPOINT "_pg3_1"': 1,
    "SELECT $1::int": 1,
    'RELEASE "_pg3_1"': 1,
    "SELECT 3": 1,
    "COMMIT": 1,
}


def _check(counter: FrontendCounter) -> None:
    assert counter.sent == 7
    assert counter.messages["Q"] == 6 and counter.messages["E"] == 1
    assert counter.messages["P"] == counter.messages["B"] == 1
    assert counter.messages["encryption-request"] == 1 and counter.messages["startup"] == 1
    assert counter.messages["X"] == 1
    assert dict(counter.statements) == STATEMENTS
    assert not counter.startup


def test_the_recorded_stream_in_one_piece() -> None:
    counter = FrontendCounter()
    counter.feed(STREAM)
    _check(counter)


def test_the_recorded_stream_one_byte_at_a_time() -> None:
    counter = FrontendCounter()
    for i in range(len(STREAM)):
        counter.feed(STREAM[i : i + 1])
    _check(counter)


@pytest.mark.parametrize("cut", range(1, len(STREAM), 7))
def test_the_recorded_stream_cut_anywhere(cut: int) -> None:
    counter = FrontendCounter()
    counter.feed(STREAM[:cut])
    counter.feed(STREAM[cut:])
    _check(counter)


def test_an_incomplete_message_is_not_counted_until_it_is_whole() -> None:
    query = b"Q" + (4 + 9).to_bytes(4, "big") + b"SELECT 1\0"
    counter = FrontendCounter(startup=False)
    counter.feed(query[:-1])
    assert counter.sent == 0
    counter.feed(query[-1:])
    assert counter.sent == 1 and counter.statements["SELECT 1"] == 1


def test_a_cancel_request_is_no_statement() -> None:
    counter = FrontendCounter()
    counter.feed((16).to_bytes(4, "big") + CANCEL_REQUEST.to_bytes(4, "big") + b"\0" * 8)
    assert counter.sent == 0 and counter.messages["cancel"] == 1 and counter.startup
