"""The cross-cluster hub score: one number per actor combining the measures (docs/analysis.md).

    H_i = 100 · ( 0.30 · B_i / max B  +  0.20 · PR_i / max PR  +  0.25 · P_i
                 + 0.15 · X_i / max X  +  0.10 · (1 − min(C_i, 1)) )

B betweenness (Freeman 1977), PR PageRank (Brin & Page 1998), P participation coefficient
across fields (Guimerà & Amaral 2005), X cross-field brokerage — the itinerant, representative,
gatekeeper and liaison counts of Gould & Fernandez (1989) —, C Burt's (1992) constraint (an
isolate's undefined constraint counts as 1). Maxima are taken over actors; a zero maximum
makes that term 0. Each term lies in [0, 1], so H lies in [0, 100]; a cross-cluster hub is an
actor linked to at least :data:`MIN_FIELDS` fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

WEIGHTS: Final = {"betweenness": 0.30, "pagerank": 0.20, "participation": 0.25, "brokerage": 0.15, "openness": 0.10}
MIN_FIELDS: Final = 2
FORMULA: Final = ("H = 100 * (0.30*B/maxB + 0.20*PR/maxPR + 0.25*P + 0.15*X/maxX + 0.10*(1 - min(C,1))); "
                  "B betweenness, PR PageRank, P participation coefficient over fields, "
                  "X cross-field brokerage (Gould-Fernandez non-coordinator roles), C Burt constraint")


def _scaled(values: Mapping[str, float], actors: list[str]) -> dict[str, float]:
    top = max((values.get(a, 0.0) for a in actors), default=0.0)
    return {a: (values.get(a, 0.0) / top if top > 0 else 0.0) for a in actors}


def hub_score(
    actors: list[str],
    *,
    betweenness: Mapping[str, float],
    pagerank: Mapping[str, float],
    participation: Mapping[str, float],
    brokerage: Mapping[str, float],
    constraint: Mapping[str, float],
) -> dict[str, float]:
    """H_i for each actor (formula in the module docstring)."""
    b, pr, x = _scaled(betweenness, actors), _scaled(pagerank, actors), _scaled(brokerage, actors)
    scores = {}
    for a in actors:
        c = constraint.get(a, float("nan"))
        openness = 0.0 if math.isnan(c) else 1.0 - min(c, 1.0)
        scores[a] = 100.0 * (
            WEIGHTS["betweenness"] * b[a]
            + WEIGHTS["pagerank"] * pr[a]
            + WEIGHTS["participation"] * participation.get(a, 0.0)
            + WEIGHTS["brokerage"] * x[a]
            + WEIGHTS["openness"] * openness
        )
    return scores
