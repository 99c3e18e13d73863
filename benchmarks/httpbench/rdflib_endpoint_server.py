"""Serve an N-Quads file with rdflib-endpoint under uvicorn: ``python rdflib_endpoint_server.py FILE PORT``.

The file is parsed into an rdflib ``Dataset`` whose default graph is the union of the named
graphs (as ours and Virtuoso answer), and served at ``/sparql`` with uvicorn's defaults, as
``thcm serve`` runs (log level info).
"""

from __future__ import annotations

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main(path: str, port: int) -> None:
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
