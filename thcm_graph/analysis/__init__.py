"""Cross-cluster hub analysis with NetworkX: who bridges which fields, explained, written back.

``load_ecosystem(store)`` reads the graph (SPARQL), ``analyse(ecosystem)`` computes the
measures, scores and explanations, ``bridges(ecosystem, a, b)`` answers who connects two
fields, ``write_analysis(store, ...)`` writes the results into ``graph/analysis``. Only this
package imports NetworkX. Methods and formula: docs/analysis.md.
"""

from .bridges import BridgeReport, Removal, bridges, report_as_dict, resolve_field
from .networks import ANALYSIS_GRAPH, Ecosystem, load_ecosystem
from .run import Analysis, HubScore, analyse
from .writeback import WriteResult, analysis_step, write_analysis

__all__ = [
    "ANALYSIS_GRAPH",
    "Analysis",
    "BridgeReport",
    "Ecosystem",
    "HubScore",
    "Removal",
    "WriteResult",
    "analyse",
    "analysis_step",
    "bridges",
    "load_ecosystem",
    "report_as_dict",
    "resolve_field",
    "write_analysis",
]
