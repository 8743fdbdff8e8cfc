"""A throwaway PostgreSQL server for the graph tests and the scale benchmark.

Debian's binaries (`/usr/lib/postgresql/*/bin`, installed by
`scripts/sysdeps.sh`) run a fresh cluster in a temporary folder: trust
authentication, a unix socket in that folder and a free TCP port on
127.0.0.1, durability switched off for the tests (a test server that loses its data
on a crash loses nothing of value, and fsync is most of the cost of a
commit), crash-safe settings for a benchmark.
initdb and postgres refuse to run as root, so as root they run as the
`postgres` system user, which the Debian package creates.

By hand, for a benchmark (`start` prints the URL to pass as --db):

    .venv/bin/python tests/helpers/pg_server.py start /tmp/newsgraph-pg
    .venv/bin/python tests/helpers/pg_server.py stop /tmp/newsgraph-pg
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Tests: a server whose data may be lost, so no waiting on the disk at all.
TEST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off",
                 "listen_addresses=127.0.0.1", "max_connections=50")
# Benchmarks (`start` by hand): crash-safe, with SQLite's WAL + synchronous=NORMAL trade-off
# (a crash may lose the last commits, never corrupt), and room for a 1M-fact graph in memory.
BENCH_SETTINGS = ("synchronous_commit=off", "shared_buffers=1GB", "listen_addresses=127.0.0.1")
SYSTEM_USER = "postgres"
START_TRIES = 3


class ServerUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start; the message says why."""


@dataclass(frozen=True)
class Server:
    directory: Path
    port: int
    bindir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def socket_dir(self) -> Path:
        return self.directory / "socket"


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian layout), else one on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _as_server_user(command: list[str]) -> list[str]:
    """Run as `postgres` when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServerUnavailable("running as root without runuser: cannot start PostgreSQL as "
                                f"the {SYSTEM_USER} user")
    return [runuser, "-u", SYSTEM_USER, "--", *command]


def _give_to_server_user(directory: Path) -> None:
    if os.geteuid() != 0:
        return
    try:
        user = pwd.getpwnam(SYSTEM_USER)
    except KeyError as exc:
        raise ServerUnavailable(f"no {SYSTEM_USER} system user to run PostgreSQL as root; "
                                "install Debian's postgresql package") from exc
    for path in (directory, *directory.rglob("*")):
        os.chown(path, user.pw_uid, user.pw_gid)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(_as_server_user(command), capture_output=True, text=True,
                            timeout=120, check=False)
    if result.returncode != 0:
        raise ServerUnavailable(f"{what} failed ({result.returncode}): "
                                f"{(result.stderr or result.stdout).strip()[-2000:]}")


def start(directory: Path | None = None, settings: tuple[str, ...] = TEST_SETTINGS) -> Server:
    """initdb and start a server in `directory` (a new temporary folder by default)."""
    bindir = find_bindir()
    if bindir is None:
        raise ServerUnavailable("no PostgreSQL binaries under /usr/lib/postgresql/*/bin or on "
                                "PATH; run scripts/sysdeps.sh (Debian's postgresql package)")
    # As root, under /tmp: a $TMPDIR inside /root is closed to the postgres user.
    directory = Path(directory or tempfile.mkdtemp(
        prefix="newsgraph-pg-", dir="/tmp" if os.geteuid() == 0 else None))
    (directory / "socket").mkdir(parents=True, exist_ok=True)
    _give_to_server_user(directory)
    data = directory / "data"
    _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
          "--encoding=UTF8", "--locale=C", "--no-sync"], "initdb")
    for attempt in range(START_TRIES):
        port = _free_port()  # another process may take it first: then try another
        options = " ".join([f"-p {port}", f"-k {directory / 'socket'}",
                            *(f"-c {setting}" for setting in settings)])
        try:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(directory / "server.log"),
                  "-o", options, "-w", "-t", "60", "start"], "pg_ctl start")
            return Server(directory, port, bindir)
        except ServerUnavailable:
            if attempt == START_TRIES - 1:
                log = directory / "server.log"
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                raise ServerUnavailable(f"PostgreSQL did not start; log: {tail}") from None
    raise AssertionError("unreachable")


def stop(server: Server, remove: bool = True) -> None:
    """Stop the server (fast shutdown: connections are cut) and delete its folder."""
    try:
        _run([str(server.bindir / "pg_ctl"), "-D", str(server.directory / "data"), "-m", "fast",
              "-w", "stop"], "pg_ctl stop")
    finally:
        if remove:
            shutil.rmtree(server.directory, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__.split("By hand")[1], file=sys.stderr)
        return 2
    directory = Path(argv[1])
    if argv[0] == "start":
        print(start(directory, BENCH_SETTINGS).url())
    else:
        bindir = find_bindir()
        assert bindir is not None, "no PostgreSQL binaries"
        stop(Server(directory, 0, bindir), remove=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
