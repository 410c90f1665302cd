"""engine.gcpause.paused_gc: nested and overlapping pauses, exceptions, a collector already off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from engine.gcpause import paused_gc


@pytest.fixture(autouse=True)
def _gc_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_pauses_and_resumes() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_inner_exit_leaves_the_outer_pause_in_force() -> None:
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_resume_only_when_the_last_one_ends() -> None:
    """Two threads' pauses can end in the order they began, not nested: the first exit must not
    re-enable the collector under the second."""
    first, second = paused_gc(), paused_gc()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_resumes_after_an_exception() -> None:
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()


def test_resumes_after_an_exception_in_a_nested_pause() -> None:
    with pytest.raises(ValueError), paused_gc(), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()
    with paused_gc():  # the depth is back to zero: a later pause works as the first
        assert not gc.isenabled()
    assert gc.isenabled()


def test_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    with paused_gc(), paused_gc():
        pass
    assert not gc.isenabled()
