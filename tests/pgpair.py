"""A PostgreSQL primary and its streaming replica of our own, for the replica tests.

Both clusters live in a temporary directory, listen on free loopback ports and run as the
`postgres` OS user (initdb refuses root). The system cluster is never touched. stop() ends
both servers and removes the directory; the fixture calls it whatever the tests did.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(*command):
    """Run a PostgreSQL binary as the postgres user (through runuser when we are root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(  # noqa: S603 - PostgreSQL's own binaries, our own arguments
        [*prefix, str(PG_BIN / command[0]), *command[1:]],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Server:
    def __init__(self, data, port):
        self.data, self.port = data, port
        self.url_base = f"postgres://postgres@127.0.0.1:{port}"

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
        )
        _as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", f"{self.data}/log", "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            _as_postgres("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def sql(self, query, params=(), dbname="postgres"):
        """One statement in autocommit; the first row, if it returned any."""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        ) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchone() if cursor.description else None


class Pair:
    """initdb a primary, start it, clone it with pg_basebackup -R, start the replica."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="standfirst-replica-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary = Server(self.root / "primary", free_port())
        self.replica = Server(self.root / "replica", free_port())

    def start(self):
        data = self.primary.data
        _as_postgres(
            "initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        with open(data / "postgresql.conf", "a") as conf:
            # No autovacuum: only the tests' own writes move the replica's replay position.
            conf.write("wal_level = replica\nmax_wal_senders = 4\nfsync = off\nautovacuum = off\n")
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.primary.start()
        _as_postgres(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(self.replica.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
        )  # fmt: skip
        self.replica.start()

    def stop(self):
        for server in (self.replica, self.primary):
            with contextlib.suppress(subprocess.CalledProcessError):  # already down
                server.stop()
        shutil.rmtree(self.root, ignore_errors=True)
