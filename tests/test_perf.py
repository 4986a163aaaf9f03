"""conformap.perf: how the heavy steps run."""

from __future__ import annotations

import gc

import conformap
from conformap.catalog import cache as doccache
from conformap.perf import gc_paused


def test_the_collector_is_paused_while_loading_and_resumes(monkeypatch, fixtures_dir):
    """conformap.perf.gc_paused: off during the step, on again after it, even when the step raises."""
    seen = []
    real = doccache.DocCache.read

    def spy(self, *args):
        seen.append(gc.isenabled())
        return real(self, *args)

    monkeypatch.setattr(doccache.DocCache, "read", spy)
    assert gc.isenabled()
    assert conformap.validate(fixtures_dir / "mini")[0] is not None
    assert seen and not any(seen) and gc.isenabled()
    try:
        with gc_paused():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
