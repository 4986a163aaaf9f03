"""analysis: the catalogue as a networkx graph (graph.py), every statistic computed from it (stats.py), and what
the other sources say about it (sources.py: the crosswalks, their counts, ``sources check``)."""

from conformap.analysis.stats import Analysis, Summary

__all__ = ["Analysis", "Summary"]
