"""A real PostgreSQL server for the DuckLake tests, started and stopped by the suite.

Uses Debian's postgresql binaries (installed by .ci/run when missing). PostgreSQL
refuses to run as root, so under root the server runs as the `postgres` user.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available() -> bool:
    return all(_bin(n) for n in ("initdb", "pg_ctl", "createdb"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="taizhang-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> "PostgresServer":
        os.chmod(self.root, 0o755)
        self.data.mkdir()
        if self.as_root:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self._start()
        return self

    def _start(self) -> None:
        options = f"-p {self.port} -k {self.root} -h 127.0.0.1 -c fsync=off -c max_connections=100"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def restart(self) -> None:
        """Stop (dropping every client connection) and start again on the same port."""
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self._start()

    def create_database(self, name: str) -> str:
        self._run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"dbname={name} host=127.0.0.1 port={self.port} user=postgres"

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
