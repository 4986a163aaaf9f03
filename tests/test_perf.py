"""conformap.perf: how the heavy steps run."""

from __future__ import annotations

import gc
import os

import pytest

import conformap
from conformap.load import cache as doccache
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


def test_in_background_gives_what_the_function_returns(monkeypatch):
    """Forked: the result comes back through a pipe, larger than its buffer; the function ran in the child."""
    from conformap import perf

    monkeypatch.setattr(perf.threading, "active_count", lambda: 1)  # as in a build (the suite may have left threads)
    parent = os.getpid()
    big = {"pid": None, "data": b"x" * 1_000_000}
    wait = perf.in_background(lambda: {**big, "pid": os.getpid()})
    got = wait()
    assert got["data"] == big["data"] and got["pid"] not in (None, parent)


def test_in_background_runs_here_when_it_cannot_fork_safely_or_the_child_fails(monkeypatch):
    from conformap import perf

    monkeypatch.setattr(perf.threading, "active_count", lambda: 2)  # another thread: no fork
    assert perf.in_background(os.getpid)() == os.getpid()
    monkeypatch.setattr(perf.threading, "active_count", lambda: 1)
    calls = []

    def fails_in_the_child():
        calls.append(os.getpid())
        if os.getpid() != parent:
            raise RuntimeError("child")
        return "computed here"

    parent = os.getpid()
    assert perf.in_background(fails_in_the_child)() == "computed here" and calls == [parent]
    with pytest.raises(ZeroDivisionError):
        perf.in_background(lambda: 1 // 0)()  # an error everywhere is raised here, with its traceback


def test_the_site_is_the_same_with_its_downloads_built_in_the_background(monkeypatch, fixtures_dir):
    from conformap import perf
    from conformap.site import pages

    cat = conformap.load(fixtures_dir / "golden")
    monkeypatch.setattr(perf.threading, "active_count", lambda: 1)
    forked_here = []
    real = perf.in_background
    monkeypatch.setattr(pages, "in_background", lambda fn: forked_here.append(1) or real(fn))
    forked = pages.render_site(cat, changes="# Changes")
    assert forked_here == [1]
    monkeypatch.setattr(pages, "in_background", perf._inline)
    inline = pages.render_site(cat, changes="# Changes")
    assert list(forked) == list(inline) and forked == inline
