"""Read-only views of the graph for the REST API: actors, fields, networks, figures.

Every function takes a :class:`~thcm_graph.store.Store`, runs named queries from
``thcm_graph/queries/`` with parameters bound (never formatted into the text), and returns frozen
dataclasses. Nothing here knows about HTTP.
"""

from ._params import MAX_LIMIT
from .actors import ActorFilter, actor_kinds, get_actor, list_actors
from .fields import list_fields
from .figures import FigureFilter, list_figures
from .models import (
    ActorDetail,
    ActorSummary,
    Field,
    FieldCatalogue,
    Figure,
    Labelled,
    Network,
    Page,
    Scheme,
)
from .networks import list_networks

__all__ = [
    "MAX_LIMIT",
    "ActorDetail",
    "ActorFilter",
    "ActorSummary",
    "Field",
    "FieldCatalogue",
    "Figure",
    "FigureFilter",
    "Labelled",
    "Network",
    "Page",
    "Scheme",
    "actor_kinds",
    "get_actor",
    "list_actors",
    "list_fields",
    "list_figures",
    "list_networks",
]
