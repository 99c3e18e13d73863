"""Query evaluation in worker processes that can be killed: real time limits for SPARQL.

pyoxigraph has no query timeout of its own, and a thread cannot be stopped from outside. So
(DESIGN.md §6) queries run in **worker processes forked from a zygote** that holds the build:

    server ──pipe (rare: "fork a worker")──► zygote (single-threaded; the build in memory)
       │                                        │ fork(): copy-on-write, no reload
       └──── one socket per worker ◄────────────┴─► worker: read a query, evaluate, answer, repeat

- The zygote is started with the ``spawn`` method, so it never inherits the web server's threads
  (forking a multi-threaded process can deadlock).
- Workers are **persistent**: forked once, each serves one query at a time over its own socket
  with a minimal framing (8-byte lengths, a JSON header, the result bytes; no pickle). A fork per
  query cost 80–200 ms at 10^6 triples (the fork of the ~800 MB zygote ~30 ms, then the fresh
  child's cold start), hundreds of times a lookup.
- The server keeps idle workers ready (``pool_size``, ``THCM_POOL_SIZE``) and takes one per query
  without a thread hop: the asyncio path waits on the socket with the event loop's own reader.
  At most ``max_workers`` (``THCM_MAX_WORKERS``) queries run at once; more wait for a worker.
- A query that has used 0.3 s of CPU is demoted to ``nice 10`` (short queries keep their latency);
  a demoted worker is retired after its query, since an unprivileged process cannot undo that.
  CPU time, not wall time: a cheap query waiting for a core under load is not demoted, so its
  worker is not retired and re-forked.
- On timeout, when the client goes away, or if the worker dies, its process is **SIGKILLed**: the
  computation stops at once. A background thread asks the zygote for a replacement, so no query
  waits for a fork unless every worker is busy.
- When a newer build is published, a new zygote loads it (and its pool is forked) in the
  background, then takes over; queries already running finish on the build they started with.
"""

from .messages import ClientGone, QueryAnswer, QueryRequest, ResultTooLarge, WorkerLost, WorkersBusy
from .pool import DEPRIORITISE_AFTER, QueryWorkers
from .runner import QueryRunner

__all__ = [
    "DEPRIORITISE_AFTER", "ClientGone", "QueryAnswer", "QueryRequest", "QueryRunner", "QueryWorkers",
    "ResultTooLarge", "WorkerLost", "WorkersBusy",
]
