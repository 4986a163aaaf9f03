"""analysis: the catalogue as a networkx graph (graph.py) and every statistic computed from it (stats.py)."""

from conformap.analysis.stats import Analysis, Summary

__all__ = ["Analysis", "Summary"]
