"""Run a producer in a second process and consume what it yields here.

A large import is two jobs of about equal size: reading and converting the file, and
writing the store. :class:`InChild` forks; the child runs the producer and sends each
item it yields through a pipe, while this process writes the items it has already
received. On a machine with two cores the two overlap.

Only the parent touches the store: the child is forked before the parent opens its
write transaction and never uses a database connection. An :class:`OmsError` raised in
the child is raised again here, same class, message and hint; any other failure
becomes a ``RuntimeError`` carrying the child's traceback (an internal error). If this
side stops early (an error while writing, Ctrl-C), the child is stopped; if this side
is killed outright (``kill -9``), the child dies with it (see :func:`_die_with_parent`).
"""

from __future__ import annotations

import marshal
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from oms_cli.core.errors import OmsError

T = TypeVar("T")

_ITEM, _END, _ERROR, _CRASH = range(4)


def can_fork() -> bool:
    """True where a forked worker can help: Linux (where fork is safe for a process that
    uses no system frameworks; macOS is not) and more than one core to run on."""
    if not sys.platform.startswith("linux"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores >= 2


class InChild(Generic[T]):
    """The items of ``produce()``, which runs in a child forked when this is made.

    Iterate over it to receive the items; use it as a context manager (or call
    :meth:`close`) so the child is stopped however the iteration ends. The items cross
    the pipe marshalled when they hold only str, int, float, bool, None, bytes, tuples
    and lists (several times cheaper), pickled otherwise: flat items of plain values
    keep the price of the second core low.
    """

    def __init__(self, produce: Callable[[], Iterable[T]]) -> None:
        from multiprocessing import get_context

        ctx = get_context("fork")
        self._receiver, sender = ctx.Pipe(duplex=False)
        _widen(sender)
        # Buffered output would otherwise be written a second time by the child.
        sys.stdout.flush()
        sys.stderr.flush()
        self._proc = ctx.Process(
            target=_produce, args=(produce, sender, self._receiver, os.getpid()), daemon=True, name="oms-producer"
        )
        self._proc.start()
        sender.close()

    def __iter__(self) -> Iterator[T]:
        receiver = self._receiver
        while True:
            try:
                kind, payload = _loads(receiver.recv_bytes())
            except EOFError:
                self._proc.join()
                raise RuntimeError(
                    f"the worker process ended without finishing (exit code {self._proc.exitcode})"
                ) from None
            if kind == _ITEM:
                yield payload
            elif kind == _END:
                return
            elif kind == _ERROR:
                cls, message, hint = payload
                raise cls(message, hint=hint)
            else:
                raise RuntimeError(f"the worker process failed:\n{payload}")

    def close(self) -> None:
        """Stop the child (if it still runs) and wait for it."""
        self._receiver.close()
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()

    def __enter__(self) -> InChild[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _produce(produce: Callable[[], Iterable[Any]], sender: Any, receiver: Any, parent: int) -> None:
    """The child's side: send each item, then the end (or the error) and exit."""
    # Only the parent reads: with the reading end closed here, a send to a parent that
    # has gone fails (EPIPE) instead of waiting for a reader that is this process.
    receiver.close()
    _die_with_parent(parent)
    # The child says everything through the pipe. Its own standard streams go nowhere:
    # another thread of the parent (a progress bar) may have held their locks at the
    # fork, and the child flushes them as it exits.
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115  (lives as long as the child)
    send = sender.send_bytes
    try:
        try:
            for item in produce():
                send(_dumps((_ITEM, item)))
        except OmsError as exc:
            send(_dumps((_ERROR, (type(exc), exc.message, exc.hint))))
        except (KeyboardInterrupt, BrokenPipeError):
            return  # the parent is stopping (or has stopped) too
        except BaseException:  # noqa: BLE001  (reported to the parent, which raises it)
            send(_dumps((_CRASH, traceback.format_exc())))
        else:
            send(_dumps((_END, None)))
    finally:
        sender.close()


#: prctl(2) option: the signal this process gets when its parent ends
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this child when ``parent`` (the process that forked it) ends.

    Without it a ``kill -9`` of `oms import` leaves the reader running, an orphan
    (Linux's PR_SET_PDEATHSIG, through libc; can_fork() allows forking on Linux only).
    If the parent ended before the request was made, this child is already an orphan
    (its parent is no longer ``parent``) and ends at once. Where prctl is missing, the
    closed pipe still stops the child at its next send.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _widen(end: Any) -> None:
    """Let the pipe hold about a megabyte (Linux), so the child can run a few items
    ahead instead of waiting for each one to be taken."""
    try:
        import fcntl

        fcntl.fcntl(end.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # elsewhere, or capped lower: the default size only costs some overlap


def _dumps(message: tuple[int, Any]) -> bytes:
    try:
        return b"m" + marshal.dumps(message)
    except ValueError:  # something marshal cannot write (a datetime, a class)
        return b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes) -> tuple[int, Any]:
    body = memoryview(data)[1:]
    loaded: tuple[int, Any] = marshal.loads(body) if data[:1] == b"m" else pickle.loads(body)
    return loaded
