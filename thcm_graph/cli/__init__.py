"""The ``thcm`` command: a thin shell over the library.

Exit codes: 0 success; 1 bad input (data, query, configuration); 2 wrong usage;
3 store problem (nothing published yet, another build running, the SPARQL server unreachable);
70 internal error (a bug).
"""

from . import analysis, build, export, query  # noqa: F401  (each registers its commands on main)
from .app import main

__all__ = ["main"]
