"""Start and stop a throw-away Virtuoso Open Source 7 server for the tests (DESIGN.md §5).

Each server gets its own ``virtuoso.ini`` and database in a temporary directory, listens only
on 127.0.0.1 (SQL and HTTP on free ports) and is ready when ``isql-vt … exec="select 1;"``
answers. SPARQL Update over HTTP is enabled by granting ``SPARQL_UPDATE`` to the ``SPARQL``
user (the anonymous user of ``/sparql``) and the Graph Store Protocol at ``/sparql-graph-crud``
by the same grant; a production server would use ``/sparql-auth`` with digest credentials
instead (docs/remote.md).

Also runnable: ``python tests/virtuoso.py`` starts one in the foreground and prints its URLs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"

INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {db}, {load_dir}
NumberOfBuffers          = 170000
MaxDirtyBuffers          = 130000
ThreadsPerQuery          = 2
MaxQueryMem              = 1G

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {db}
MaxClientConnections        = 20
ServerThreads               = 20
EnabledDavVSP               = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = 10000000
MaxSortedTopRows           = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = {max_seconds}
DefaultGraph               =
"""

GRANTS = [
    "grant SPARQL_UPDATE to \"SPARQL\";",
    # the Graph Store Protocol handler writes with the caller's rights
    "grant execute on DB.DBA.SPARQL_INSERT_DICT_CONTENT to \"SPARQL\";",
    "grant execute on DB.DBA.SPARQL_DELETE_DICT_CONTENT to \"SPARQL\";",
    "grant execute on DB.DBA.L_O_LOOK to \"SPARQL\";",
    "grant execute on DB.DBA.SPARUL_RUN to \"SPARQL\";",
    "grant execute on DB.DBA.SPARQL_CONSTRUCT_ACC to \"SPARQL\";",
    "grant execute on DB.DBA.SPARQL_CONSTRUCT_FIN to \"SPARQL\";",
    "grant execute on DB.DBA.TTLP_MT to \"SPARQL\";",
    "grant execute on DB.DBA.RDF_GRAPH_GROUP_INS to \"SPARQL\";",
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 15);",
]


def available() -> bool:
    """Is Virtuoso installed (``virtuoso-t`` and ``isql-vt`` on the PATH)?"""
    return shutil.which(VIRTUOSO) is not None and shutil.which(ISQL) is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Virtuoso:
    """One Virtuoso server on 127.0.0.1 with its database in ``directory``."""

    directory: Path
    max_seconds: int = 30
    sql_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def db(self) -> Path:
        return self.directory / "db"

    @property
    def load_dir(self) -> Path:
        """A directory Virtuoso may read files from (``DirsAllowed``), for ``ld_dir``."""
        return self.directory / "load"

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def gsp_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"

    @property
    def store_setting(self) -> str:
        """The value of ``THCM_STORE`` for this server."""
        return "sparql+" + self.sparql_url

    def env(self) -> dict[str, str]:
        """Environment variables that point thcm-graph at this server."""
        return {"THCM_STORE": self.store_setting, "THCM_STORE_GSP_URL": self.gsp_url}

    def start(self, timeout: float = 60) -> Virtuoso:
        """Write the configuration (first time), start the server and wait until it answers SQL."""
        first = not self.db.exists()
        self.db.mkdir(parents=True, exist_ok=True)
        self.load_dir.mkdir(parents=True, exist_ok=True)
        ini = self.db / "virtuoso.ini"
        ini.write_text(INI.format(db=self.db, load_dir=self.load_dir, sql_port=self.sql_port,
                                  http_port=self.http_port, max_seconds=self.max_seconds), encoding="utf-8")
        (self.db / "virtuoso.lck").unlink(missing_ok=True)  # left behind by a killed server
        log = (self.directory / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=self.db, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {self.log_tail()}")
            if self.isql("select 1;", check=False, timeout=5).returncode == 0 and self._http_ready():
                break
            time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso did not answer within {timeout:g} s: {self.log_tail()}")
        if first:
            self.isql(*GRANTS)
        return self

    def _http_ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.http_port), timeout=1):
                return True
        except OSError:
            return False

    def isql(self, *statements: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run SQL statements through ``isql-vt`` as dba."""
        script = "\n".join(statements)
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={script}"],
            capture_output=True, text=True, timeout=timeout,
        )
        if check and (done.returncode != 0 or "*** Error" in done.stdout + done.stderr):
            raise RuntimeError(f"isql failed: {done.stdout}{done.stderr}")
        return done

    def bulk_load(self, path: Path, graph: str) -> None:
        """Virtuoso's own bulk loader (``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``)."""
        target = self.load_dir / path.name
        if path.resolve() != target.resolve():
            shutil.copyfile(path, target)
        self.isql(
            "delete from DB.DBA.load_list;",
            f"ld_dir('{self.load_dir}', '{path.name}', '{graph}');",
            "rdf_loader_run();",
            "checkpoint;",
        )

    def kill(self) -> None:
        """Stop the server abruptly (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        """Stop the server cleanly (``shutdown``), or kill it if it does not go."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        self.isql("shutdown;", check=False, timeout=30)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def log_tail(self, lines: int = 20) -> str:
        log = self.db / "virtuoso.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


if __name__ == "__main__":  # pragma: no cover - manual use
    import tempfile

    server = Virtuoso(Path(tempfile.mkdtemp(prefix="thcm-virtuoso-"))).start()
    print(f"THCM_STORE={server.store_setting}\nTHCM_STORE_GSP_URL={server.gsp_url}\ndirectory: {server.directory}")
    try:
        server.process.wait()  # type: ignore[union-attr]
    except KeyboardInterrupt:
        server.stop()
