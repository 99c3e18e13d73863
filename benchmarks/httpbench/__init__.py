"""The HTTP benchmark suite (issue 13): our endpoint against the FastAPI floor, rdflib-endpoint,
Virtuoso and rdflib in process, on the same synthetic data and the same queries.

One module per job: ``data`` (the synthetic N-Quads, cached), ``queries`` (the query classes and
how their IRIs are picked from the data), ``servers`` (starting, checking and stopping each
engine), ``cpu`` (CPU time of a process tree, from /proc), ``wrk`` (the load client and its
output parser), ``inprocess`` (rdflib in process, with a time budget), ``runaway`` (the runaway
scenario) and ``report`` (tables, ratios and targets). ``benchmarks/http_bench.py`` runs them.
"""
