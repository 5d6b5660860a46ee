"""Worker process pools whose workers die with the process that started them.

A ``ProcessPoolExecutor``'s workers outlive their parent when it is killed outright
(SIGKILL, the out-of-memory killer): they keep their memory, and go on working, until
they notice. Every pool neardup starts comes from :func:`process_pool`, whose workers
end themselves when their parent is gone:

- on Linux, the kernel sends a worker SIGKILL when its parent ends
  (``prctl(PR_SET_PDEATHSIG)``, asked for first thing in the worker);
- everywhere, a thread in each worker checks its parent every
  :data:`_WATCH_INTERVAL` seconds and ends the worker when the parent has changed
  (an orphan is adopted by another process);
- a worker whose parent ended before it could ask (the kernel's signal only covers a
  parent that ends afterwards) finds itself adopted already, and ends at once.

On Linux the kernel's signal follows the *thread* that started the worker: a pool must
be used from the thread that created it, and end before that thread does (as every pool
in neardup is, inside one function call).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any

# Seconds between a worker's checks that its parent is still there.
_WATCH_INTERVAL = 0.5
# prctl's option that asks for a signal when the parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def process_pool(
    max_workers: int,
    mp_context: BaseContext | None = None,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` whose workers end when this process ends.

    The arguments are ``ProcessPoolExecutor``'s; ``initializer(*initargs)`` runs in each
    worker after it has arranged to die with its parent.
    """
    context = mp_context or multiprocessing.get_context()
    # A forked or spawned worker is this process's child; a fork server's are not.
    parent = os.getpid() if context.get_start_method() in ("fork", "spawn") else None
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(parent, initializer, initargs),
    )


def _start_worker(
    parent: int | None,
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> None:
    """A pool worker's initializer: die with the parent, then ``initializer(*initargs)``."""
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def die_with_parent(parent: int | None = None) -> None:
    """End this process when its parent process ends.

    Args:
        parent: The process id the parent must have, where it is known (a worker that
            was forked or spawned); a process whose parent is another one already was
            orphaned, and ends now. ``None`` takes the current parent as it is.
    """
    _ask_kernel_for_signal()
    current = os.getppid()
    if parent is not None and current != parent:
        _end()
    watcher = threading.Thread(
        target=_watch, args=(current,), name="neardup-parent-watch", daemon=True
    )
    watcher.start()


def _ask_kernel_for_signal() -> None:
    """On Linux, have the kernel send this process SIGKILL when its parent ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        # The process's own symbols include the C library's (no search for it needed).
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no C library to ask: the watching thread still notices


def _watch(parent: int) -> None:
    """Wait until this process's parent is no longer ``parent``, then end the process."""
    while os.getppid() == parent:
        time.sleep(_WATCH_INTERVAL)
    _end()


def _end() -> None:
    """End this process at once, as the kernel's SIGKILL would (no cleanup runs)."""
    os._exit(1)
