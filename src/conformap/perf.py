"""How the heavy steps run, as opposed to what they compute."""

from __future__ import annotations

import gc
import os
import pickle
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a step that only builds (loading a catalogue,
    generating the site).

    Such a step allocates hundreds of thousands of small objects that all live until it ends, and
    creates no garbage cycles worth collecting; the collector would scan the growing heap again and
    again to find nothing (15 to 20 % of the CPU time of a 25 x site generation, measured with
    ``make bench``'s catalogues). Reference counting still frees everything as usual; the collector
    resumes, with its usual thresholds, when the step ends (or raises). Nested use is fine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def in_background(fn: Callable[[], T]) -> Callable[[], T]:
    """Start ``fn()`` in a forked child process and return a function that waits for its result.

    For a pure step that can overlap with others on a second core: the site's downloads are built while
    its pages are rendered. The child inherits everything ``fn`` needs (nothing is sent to it), and sends
    back the pickled result through a pipe. The result is the same as ``fn()``'s; whenever the child
    cannot give it (no ``fork`` on this system, other threads running, which a fork would not copy, or
    the child failing), ``fn()`` runs here instead, so an error surfaces with its own traceback.
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return _inline(fn)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running the parent's exit handlers
        os.close(read_end)
        status = 1
        try:
            data = pickle.dumps(fn(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def result() -> T:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return fn()
        return pickle.loads(data)

    return result


def _inline(fn: Callable[[], T]) -> Callable[[], T]:
    value = fn()
    return lambda: value
