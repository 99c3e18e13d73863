"""The scale generator: a synthetic, Thuringia-like ecosystem of N triples (``thcm synth``).

>>> from pathlib import Path; import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     summary = generate(2_000, 1, Path(d) / "synth.nq")
>>> 2_000 <= summary.triples < 2_100
True
"""

from .generate import GRAPHS, MIN_TRIPLES, Samples, SynthSummary, generate

__all__ = ["GRAPHS", "MIN_TRIPLES", "Samples", "SynthSummary", "generate"]
