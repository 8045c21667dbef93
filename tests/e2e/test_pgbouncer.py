"""PostgreSQL behind pgbouncer in transaction pooling (issue 14, item 5: many web and worker processes share a few
server connections). Each transaction may run on another server connection, so psycopg's automatic server-side
prepared statements (made after 5 uses of a statement) break unless MADOGUCHI_DATABASE_TRANSACTION_POOLER turns
them off. A whole LINE pre-screening and the desk's queue run through a real pgbouncer (Debian's, `make pgbouncer`)
with one server connection for all clients."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.db.engine import make_engine
from tests.conftest import POSTGRES, make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import populate
from tests.e2e.test_karte import first_application
from tests.fakes.line_server import FakeLine
from tests.fakes.server import free_port

BINARY = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not (POSTGRES and BINARY), reason="needs PostgreSQL and pgbouncer (make pgbouncer)")]


@pytest.fixture
def pooled_url(postgres_url: str) -> Iterator[str]:
    """The test database reached through pgbouncer (pool_mode = transaction, 1 server connection)."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="madoguchi-pgbouncer-"))
    folder.chmod(0o755)  # pgbouncer refuses root: it runs as postgres and must read its files
    (folder / "users.txt").write_text('"postgres" ""\n', encoding="utf-8")
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n* = host=127.0.0.1 port=5432\n[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\nauth_type = trust\n"
        f"auth_file = {folder / 'users.txt'}\npool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits,options\n", encoding="utf-8")
    for f in folder.iterdir():
        f.chmod(0o644)
    command = [str(BINARY), str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = postgres_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{port}/")
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with create_engine(url).connect() as conn:
                    conn.execute(text("SELECT 1"))
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pgbouncer did not start: {process.stderr.read() if process.stderr else ''}"
                                       ) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_pre_screening_and_the_queue_through_transaction_pooling(pooled_url: str, fake_line: FakeLine) -> None:
    settings = make_settings(pooled_url, fake_line.url, database_transaction_pooler=True)
    engine = make_engine(settings)  # the product's engine: two clients on pgbouncer's one server connection
    try:
        first, second = engine.connect(), engine.connect()
        for n in range(12):  # past psycopg's prepare threshold (5) on each: the second's "_pg3_0" would clash
            for conn in (first, second):
                with conn.begin():
                    assert conn.execute(text("SELECT count(*) + :n FROM conversation"), {"n": n}).scalar() == n
        first.close()
        second.close()
    finally:
        engine.dispose()
    with LiveBot(settings) as bot:
        desk = populate(bot)
        owners = [Owner(bot, fake_line, f"Upool{n}") for n in range(2)]
        references = []
        for owner in owners:  # every statement of a turn runs far more than 5 times over the two owners
            owner.follow()
            references.append(first_application(owner, name=f"プール商店{len(references)}"))
        queue = desk.login("coordinator").get("/cases")
        assert queue.status_code == 200 and all(r in queue.text for r in references)
        assert httpx.get(bot.server.url + "/readyz", timeout=10).status_code == 200
