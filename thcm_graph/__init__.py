"""thcm-graph: a knowledge graph of the Thuringian innovation ecosystem."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("thcm-graph")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0"

__all__ = ["__version__"]
