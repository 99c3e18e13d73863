"""Pictures: the actor–field network with the hubs highlighted, and the field–field bridge map.

Drawn with matplotlib (Agg backend, no display needed) to PNG or SVG by file extension.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx

from ..errors import InputError
from .networks import ecosystem_graph, field_graph
from .run import Analysis

FORMATS = {".png", ".svg"}
#: At most this many nodes are drawn (hubs and fields always; then the most connected actors).
MAX_DRAWN = 300


def plot_hubs(analysis: Analysis, path: Path, *, top: int = 10, seed: int = 42) -> Path:
    """Two panels: actors and fields (hubs red and labelled) and the field–field bridge map."""
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"--plot writes PNG or SVG: name the file *.png or *.svg, not {path.name!r}")
    eco = analysis.ecosystem
    hubs = {h.actor: h for h in analysis.hubs(top)}
    af = ecosystem_graph(eco)
    af.remove_nodes_from([n for n in list(af) if af.degree(n) == 0])
    with_hubs = [c for c in nx.connected_components(af) if c & set(hubs)]
    if with_hubs:  # the parts of the network the hubs are in
        af = af.subgraph(set().union(*with_hubs)).copy()
    if af.number_of_nodes() > MAX_DRAWN:  # a readable picture: the hubs, the fields and the strongest ties
        keep = set(hubs) | set(eco.fields)
        keep |= set(sorted(af, key=lambda n: -af.degree(n, weight="weight"))[: MAX_DRAWN - len(keep)])
        af = af.subgraph(keep).copy()
    fig, (left, right) = plt.subplots(1, 2, figsize=(18, 9))

    pos = (nx.kamada_kawai_layout(af, weight=None) if nx.is_connected(af)
           else nx.spring_layout(af, seed=seed, k=1.5 / max(1, len(af)) ** 0.5, weight=None)) if len(af) else {}
    fields = [n for n in af if n in eco.fields]
    actors = [n for n in af if n not in eco.fields]
    field_edges = [(u, v) for u, v in af.edges() if u in eco.fields or v in eco.fields]
    actor_edges = [(u, v) for u, v in af.edges() if u not in eco.fields and v not in eco.fields]
    nx.draw_networkx_edges(af, pos, edgelist=actor_edges, ax=left, alpha=0.35, width=0.8, edge_color="#888888")
    nx.draw_networkx_edges(af, pos, edgelist=field_edges, ax=left, alpha=0.35, width=0.8, edge_color="#4c72b0", style="dashed")
    nx.draw_networkx_nodes(af, pos, nodelist=fields, node_shape="s", node_color="#4c72b0", node_size=220, ax=left)
    nx.draw_networkx_nodes(af, pos, nodelist=[a for a in actors if a not in hubs], node_color="#bbbbbb", node_size=60, ax=left)
    nx.draw_networkx_nodes(af, pos, nodelist=[a for a in actors if a in hubs],
                           node_color="#d62728", node_size=[120 + 8 * hubs[a].score for a in actors if a in hubs], ax=left)
    nx.draw_networkx_labels(af, pos, labels={a: f"{hubs[a].rank}. {eco.actor_label(a)}" for a in actors if a in hubs},
                            font_size=9, font_weight="bold", ax=left,
                            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})
    nx.draw_networkx_labels(af, pos, labels={f: _short(eco.field_label(f)) for f in fields}, font_size=7,
                            font_color="#1f3b70", verticalalignment="top", ax=left)
    left.set_title(f"Actors (grey; top {len(hubs)} hubs red, size = score) and fields (blue squares, dashed links)")
    left.axis("off")

    ff = field_graph(eco)
    ff.remove_nodes_from([n for n in list(ff) if ff.degree(n) == 0])
    fpos = nx.circular_layout(ff)
    widths = [0.5 + 1.5 * d["weight"] ** 0.5 for _, _, d in ff.edges(data=True)]
    nx.draw_networkx_edges(ff, fpos, ax=right, width=widths, alpha=0.4, edge_color="#555555")
    nx.draw_networkx_nodes(ff, fpos, node_shape="s", node_color="#4c72b0", node_size=260, ax=right)
    nx.draw_networkx_labels(ff, fpos, labels={f: _short(eco.field_label(f)) for f in ff}, font_size=8, ax=right)
    right.set_title("Field–field bridge map (width ~ actors and links joining two fields)")
    right.axis("off")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _short(label: str, width: int = 22) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
