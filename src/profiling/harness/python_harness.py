"""Concurrency Lens benchmark harness for Python.

A thin executor (see src/profiling/protocol.ts): the engine sends commands as JSON lines on stdin
and reads one JSON reply per command on the reply descriptor (the one CONCURRENCY_LENS_REPLY_FD
names, else fd 3). The engine owns the method (warm-up, calibration, interleaving, statistics);
this script only imports the user's module, keeps pools alive between samples and times what it
is told to run.

Why a descriptor of its own and not stdout: the user's code may print; stdout and stderr stay the
user's. Every reply carries the token of the init command, so that a line the user's code writes
to the reply descriptor is recognised as not ours and ignored by the engine.

This file is also re-imported by `spawn`/`forkserver` worker processes (as `__mp_main__`), so
everything with side effects lives in main(), behind the `__main__` guard, and the helpers the
workers call (_init_worker, _call_in_worker) are module-level functions that pickle by reference.
"""

import importlib.util
import itertools
import json
import os
import pickle
import platform
import sys
import threading
import time
import traceback

PROTOCOL_VERSION = 1
# Samples of the dispatch and serialization probes are repeated until they last this long, so
# that timer resolution and one-off hiccups do not dominate a sub-microsecond figure.
PROBE_MIN_SECONDS = 0.05
PROBE_MAX_REPEATS = 10000
# The task profile runs tasks until it has this much wall time (one task if a task is longer).
PROFILE_MIN_SECONDS = 0.05

# protocol.ts REPLY_FD_ENV: the reply descriptor's number, removed before user code runs.
REPLY_FD_ENV = "CONCURRENCY_LENS_REPLY_FD"
# The harness's own descriptors go at or above this (protocol.ts REPLY_FD, where the engine puts
# the replies), away from the low numbers code opens and writes to: fd 3 above all, where the
# replies once were.
HIGH_FD = 63

# Tasks per batch at most (protocol.ts MAX_TASKS, the same number): every batch runs each item once
# and a pool holds one pending future per item, so ten million items took a harness to 7 GB before
# any mode ran. Checked while the items are collected, so an endless iterator stops here too.
MAX_TASKS = 1000000

HARNESS_FILE = os.path.abspath(__file__)
FUTURES_DIR = os.path.dirname(os.path.abspath(__import__("concurrent.futures").futures.__file__))


# --------------------------------------------------------------------------- worker-side helpers


def _load_module(path, name):
    """Load the user's file from its path under `name` (not `__main__`, so its main guard does not run).

    For a file the engine found no dotted name for (src/profiling/target-module.ts), or whose
    dotted name an already imported module shadows.
    """
    existing = sys.modules.get(name)
    if existing is not None and os.path.abspath(getattr(existing, "__file__", "") or "") == path:
        return existing
    folder = os.path.dirname(path)
    # Like `python file.py`: the file's folder comes first, so its sibling imports work.
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load %s as a Python module" % path)
    module = importlib.util.module_from_spec(spec)
    # Registered before executing, as a regular import does: pickling the function by reference
    # (module name + qualified name) then works in this process and in every worker.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _put_on_path(folders):
    """`folders` first on sys.path, in their order (moved there if already present)."""
    for folder in reversed(folders or []):
        while folder in sys.path:
            sys.path.remove(folder)
        sys.path.insert(0, folder)


def _same_file(module, path):
    found = getattr(module, "__file__", None)
    return bool(found) and os.path.normcase(os.path.abspath(found)) == os.path.normcase(path)


def _shadowed(dotted, path):
    """Why importing `dotted` would not give `path`, or None.

    A top-level name already imported from elsewhere (the user's `json/` package vs the json the
    harness uses) would give that module instead.
    """
    top = dotted.split(".")[0]
    loaded = sys.modules.get(top)
    if loaded is None:
        return None
    if dotted == top:
        return None if _same_file(loaded, path) else "the name %s is already taken by %s" % (
            top, getattr(loaded, "__file__", None) or "a built-in module")
    here = getattr(loaded, "__path__", None)
    root = os.path.dirname(path)
    for _ in dotted.split(".")[1:]:
        root = os.path.dirname(root)
    expected = os.path.normcase(os.path.join(root, top))
    if here is not None and any(os.path.normcase(os.path.abspath(p)) == expected for p in here):
        return None
    return "the name %s is already taken by %s" % (top, getattr(loaded, "__file__", None) or "a built-in module")


def _import_target(path, name, dotted, sys_path):
    """Import the user's module the way its project does: by its dotted name, `sys_path` first.

    Returns the module. `dotted` None loads the file by path under `name` (a script whose name is
    no identifier). Pool workers call this too (their initializer), so that the function, pickled
    by reference as `dotted.qualname`, is found there under the same name.
    """
    _put_on_path(sys_path)
    if not dotted:
        return _load_module(path, name)
    existing = sys.modules.get(dotted)
    if existing is not None and _same_file(existing, path):
        return existing
    module = importlib.import_module(dotted)
    if not _same_file(module, path):
        raise ImportError("%s imports %s, not %s: another module of that name comes first on sys.path" % (
            dotted, getattr(module, "__file__", None) or "a built-in module", path))
    return module


def _init_worker(path, name, dotted=None, sys_path=None):
    """Pool initializer: spawn/forkserver workers start fresh and must import the module too."""
    _import_target(path, name, dotted, sys_path)


class _ImportTimeWork(BaseException):
    """Raised by the import guard: the module started a process or listened on a socket while imported."""

    def __init__(self, what):
        BaseException.__init__(self, what)
        self.what = what


class _ImportGuard:
    """While the user's module is imported: starting a process or listening on a socket is refused.

    The engine refuses such modules statically first (src/profiling/preflight.ts); this is the
    net for what the analyzer cannot see (a pool created in a helper of another module). Without
    it the work runs here, is blamed on the function, and a module-level Pool() under spawn
    re-imports itself in every worker until the timeout. The first refusal is kept even when the
    user's code catches the exception.
    """

    def __init__(self, path):
        self.path = path
        self.tripped = None
        self.saved = []

    def _trip(self, what):
        if self.tripped is None:
            frames = traceback.extract_stack()[:-2]
            stdlib = os.path.dirname(os.path.abspath(os.__file__))
            own = [f for f in frames if not f.filename.startswith("<")
                   and os.path.normcase(os.path.abspath(f.filename)) != os.path.normcase(HARNESS_FILE)]
            # The line to blame: the user's own code (not the standard library's pool internals).
            users = [f for f in own if not os.path.abspath(f.filename).startswith(stdlib + os.sep)]
            # The module's own line first: that is the module-level code to move.
            mine = [f for f in own if os.path.normcase(os.path.abspath(f.filename)) == os.path.normcase(self.path)]
            frame = (mine or users or own or frames or [None])[-1]
            self.tripped = (what, frame, "".join(traceback.format_list(own[-8:])))
        raise _ImportTimeWork(what)

    def __enter__(self):
        import multiprocessing.process
        import socket

        guard = self

        def start(process_self, *args, **kwargs):
            guard._trip("starts a process (%s)" % type(process_self).__name__)

        def listen(socket_self, *args, **kwargs):
            guard._trip("listens on a socket")

        for owner, attr, replacement in ((multiprocessing.process.BaseProcess, "start", start),
                                         (socket.socket, "listen", listen)):
            self.saved.append((owner, attr, owner.__dict__.get(attr)))
            setattr(owner, attr, replacement)
        return self

    def __exit__(self, *exc):
        for owner, attr, original in reversed(self.saved):
            if original is None:  # inherited (socket.listen is _socket.socket's): drop the override
                delattr(owner, attr)
            else:
                setattr(owner, attr, original)
        self.saved = []
        return False


def _call_in_worker(fn, args):
    """Runs one task in a worker process; returns its CPU time because the parent cannot see it.

    The user's exceptions are caught here and returned as text, so that an exception escaping
    the future can only come from the pool itself (pickling, a dead worker).
    """
    start = time.process_time()
    try:
        result = fn(*args)
    except BaseException as error:  # SystemExit too: sys.exit() in a task is a user error
        return ("raised", _describe_exception(error), _user_traceback(error), time.process_time() - start)
    return ("ok", result, None, time.process_time() - start)


def _describe_exception(error):
    if isinstance(error, SystemExit):
        return "the function called sys.exit(%r)" % (error.code,)
    text = str(error)
    return "%s: %s" % (type(error).__name__, text) if text else type(error).__name__


def _user_traceback(error):
    """The traceback without the harness's and concurrent.futures' own frames."""
    frames = traceback.extract_tb(error.__traceback__)
    kept = [
        f
        for f in frames
        if os.path.abspath(f.filename) != HARNESS_FILE and not os.path.abspath(f.filename).startswith(FUTURES_DIR)
    ]
    lines = ["Traceback (most recent call last):\n"]
    lines.extend(traceback.format_list(kept or frames))
    lines.extend(traceback.format_exception_only(type(error), error))
    return "".join(lines).rstrip()


# --------------------------------------------------------------------------- errors


class HarnessError(Exception):
    """An error to report to the engine as an ErrorReply."""

    def __init__(self, kind, message, mode=None, detail=None, refusal=None):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message
        self.mode = mode
        self.detail = detail
        # kind "refused": where the module does work at import and what to change (protocol.ts ImportRefusal).
        self.refusal = refusal


def _is_pickling_error(error):
    if isinstance(error, pickle.PicklingError):
        return True
    text = str(error).lower()
    return isinstance(error, (AttributeError, TypeError)) and ("pickle" in text or "can't get local object" in text)


def _too_many(count):
    """`count` is None when the iterator was cut at the limit: its length is unknown."""
    if count is None:
        given = "more than {:,} items (the limit)".format(MAX_TASKS)
    else:
        given = "{:,} items, more than the limit of {:,}".format(count, MAX_TASKS)
    return HarnessError("inputs", "--inputs gives %s: every batch runs each item once and a pool holds a pending "
                        "task per item. Put several items into one task (one call per chunk) instead." % given)


def _bounded_items(value, expression):
    """The task inputs as a list, refused once they exceed MAX_TASKS, before they are all built."""
    try:
        length = len(value)
    except Exception:  # no len() (a generator), or a user-defined __len__ that fails: count below
        length = None
    if isinstance(length, int) and length > MAX_TASKS:
        raise _too_many(length)
    try:
        iterator = iter(value)
    except TypeError:
        raise HarnessError("inputs", "--inputs must give an iterable of task inputs, got %s" % type(value).__name__)
    try:
        items = list(itertools.islice(iterator, MAX_TASKS + 1))
    except BaseException as error:
        raise HarnessError("inputs", "iterating over --inputs %r failed: %s" % (expression, _describe_exception(error)),
                           detail=_user_traceback(error))
    if len(items) > MAX_TASKS:
        raise _too_many(None)
    return items


# --------------------------------------------------------------------------- the harness


class Harness:
    def __init__(self, reply_stream):
        self.out = reply_stream
        self.module = None
        self.module_name = None
        self.path = None
        # The dotted name the module was imported by (None: loaded from its path) and the folders
        # put first on sys.path: every worker imports it the same way.
        self.dotted = None
        self.sys_path = []
        self.fn = None
        self.function_name = None
        self.items = []
        self.first_result = None
        self.has_first_result = False
        self.pools = {}
        self.facts = None
        # From the init command; every reply starts with it (the engine checks the first field).
        self.token = None

    # -- transport

    def reply(self, message):
        signed = {"token": self.token} if self.token is not None else {}
        signed.update(message)
        self.out.write(json.dumps(signed, allow_nan=False, separators=(",", ":")) + "\n")
        self.out.flush()

    def serve(self, commands):
        for line in commands:
            line = line.strip()
            if not line:
                continue
            try:
                command = json.loads(line)
            except ValueError as error:
                self.reply({"type": "error", "id": -1, "kind": "internal", "mode": None,
                            "message": "malformed command: %s" % error, "detail": None})
                continue
            cid = command.get("id", -1)
            # Only the first init sets it: a later command cannot change who the replies are from.
            if self.token is None and command.get("cmd") == "init" and isinstance(command.get("token"), str):
                self.token = command["token"]
            try:
                handler = getattr(self, "cmd_" + str(command.get("cmd", "")).replace("-", "_"), None)
                if handler is None:
                    raise HarnessError("internal", "unknown command %r" % command.get("cmd"))
                reply = handler(command)
                reply["id"] = cid
                self.reply(reply)
            except HarnessError as error:
                reply = {"type": "error", "id": cid, "kind": error.kind, "mode": error.mode,
                         "message": error.message, "detail": error.detail}
                if error.refusal is not None:
                    reply["refusal"] = error.refusal
                self.reply(reply)
            except BaseException as error:  # noqa: B902 - the loop must survive anything
                self.reply({"type": "error", "id": cid, "kind": "internal", "mode": command.get("mode"),
                            "message": "harness error: %s" % _describe_exception(error),
                            "detail": traceback.format_exc()})
            finally:
                # The user's prints reach the engine while the run goes on, not at exit.
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except Exception:
                        pass
            if command.get("cmd") == "shutdown":
                break

    # -- commands

    def cmd_init(self, command):
        path = os.path.abspath(command["file"])
        if not os.path.isfile(path):
            raise HarnessError("import", "no such file: %s" % path)
        stem = os.path.splitext(os.path.basename(path))[0]
        # The module's own name when possible (pickles and tracebacks read naturally); a private
        # name when the stem is not an identifier or would shadow a module already imported
        # (say, a user file called `json.py`).
        if stem.isidentifier() and stem not in sys.modules:
            name = stem
        else:
            name = "_clens_user_" + "".join(c if c.isalnum() else "_" for c in stem)
        # How the project imports it (src/profiling/target-module.ts): a dotted name and the
        # folders sys.path needs. Without a target (an older engine), the file is a script.
        target = command.get("target") or {}
        dotted = target.get("module")
        sys_path = [p for p in (target.get("sysPath") or []) if isinstance(p, str)]
        note = None
        if dotted:
            why = _shadowed(dotted, path)
            if why is None and "." not in dotted:
                # A script: its name could find something else first (a `work/` package beside
                # `work.py`). A top-level look-up imports nothing, so it is safe to ask.
                _put_on_path(sys_path)
                try:
                    spec = importlib.util.find_spec(dotted)
                except (ImportError, ValueError):
                    spec = None
                origin = getattr(spec, "origin", None)
                if not origin or os.path.normcase(os.path.abspath(origin)) != os.path.normcase(path):
                    why = "%s finds %s first" % (dotted, origin or "nothing")
            if why:
                # A package module under another name breaks its relative imports: worth saying.
                if "." in dotted:
                    note = "%s was loaded from its path, not imported as %s (%s): its relative imports may fail" % (
                        os.path.basename(path), dotted, why)
                dotted = None
            else:
                name = dotted
        guard = _ImportGuard(path)
        try:
            with guard:
                module = _import_target(path, name, dotted, sys_path)
        except BaseException as error:
            if guard.tripped is None:
                raise HarnessError("import", "importing %s failed: %s" % (os.path.basename(path), _describe_exception(error)),
                                   detail=_user_traceback(error))
            module = None
        if guard.tripped is not None:
            raise self._refused(path, guard.tripped, command["functionName"])
        self.module, self.module_name, self.path = module, name, path
        self.dotted, self.sys_path = dotted, sys_path
        function_name = command["functionName"]
        fn = getattr(module, function_name, None)
        if fn is None:
            names = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_")
                           and getattr(v, "__module__", None) == name)
            raise HarnessError("no-function", "%s has no function named %r%s" % (
                os.path.basename(path), function_name,
                " (functions defined there: %s)" % ", ".join(names) if names else ""))
        if not callable(fn):
            raise HarnessError("no-function", "%r in %s is a %s, not a function" % (
                function_name, os.path.basename(path), type(fn).__name__))
        import inspect

        # Calling these returns at once and does no work: timing them would measure nothing.
        if inspect.iscoroutinefunction(fn):
            raise HarnessError("no-function", "%r is an async function: calling it only creates a coroutine. Benchmark a "
                               "synchronous wrapper instead, e.g. def run(x): return asyncio.run(%s(x))" % (
                                   function_name, function_name))
        if inspect.isgeneratorfunction(fn):
            raise HarnessError("no-function", "%r is a generator function: calling it does no work until the generator is "
                               "consumed. Benchmark a wrapper instead, e.g. def run(x): return list(%s(x))" % (
                                   function_name, function_name))
        self.fn, self.function_name = fn, function_name
        try:
            # A copy of the namespace: the expression may use the module's names but not change them.
            value = eval(command["inputs"], dict(vars(module)))
        except BaseException as error:
            raise HarnessError("inputs", "evaluating --inputs %r failed: %s" % (command["inputs"], _describe_exception(error)),
                               detail=_user_traceback(error))
        items = _bounded_items(value, command["inputs"])
        if not items:
            raise HarnessError("inputs", "--inputs gave no tasks (an empty collection)")
        # Each item is one call's argument; a tuple is spread into several arguments.
        self.items = [item if isinstance(item, tuple) else (item,) for item in items]
        self.facts = interpreter_facts()
        first = repr(items[0])
        return {"type": "ready", "facts": self.facts, "taskCount": len(self.items),
                "inputPreview": first if len(first) <= 80 else first[:77] + "...",
                "importedAs": name if dotted else None, "importNote": note}

    def _refused(self, path, tripped, function_name):
        what, frame, stack = tripped
        where = frame.filename if frame is not None else path
        line = frame.lineno if frame is not None else None
        code = (frame.line or "").strip() if frame is not None else ""
        process = what.startswith("starts a process")
        fix = ('Move that code under `if __name__ == "__main__":` (the fix of CL201, missing-main-guard), or into a '
               'function the benchmark does not call.' if process else
               'Start the server under `if __name__ == "__main__":`, or from a function the benchmark does not call.')
        message = "%s %s while it is imported%s: the benchmark would run it, blame its time on %s%s. Not run. %s" % (
            os.path.basename(path), what, " (%s:%s%s)" % (os.path.basename(where), line, ": " + code if code else "") if line else "",
            function_name + "()", " and, under spawn, start it again in every worker" if process else "", fix)
        self.module = self.fn = None
        return HarnessError("refused", message, detail=stack.rstrip() or None, refusal={
            "stage": "import", "reason": "process-at-import" if process else "server-at-import",
            "rule": "CL201" if process else None, "path": os.path.abspath(where), "line": line, "column": None,
            "message": "%s %s while it is imported" % (os.path.basename(path), what), "fix": fix})

    def cmd_profile_task(self, command):
        self._require_init()
        fn, items = self.fn, self.items
        count = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        while True:
            args = items[count % len(items)]
            try:
                result = fn(*args)
            except BaseException as error:
                raise HarnessError("raised", "%s raised on task %d: %s" % (self.function_name, count % len(items),
                                   _describe_exception(error)), mode="sequential", detail=_user_traceback(error))
            if count == 0:
                self.first_result, self.has_first_result = result, True
            count += 1
            wall = time.perf_counter() - wall0
            if wall >= PROFILE_MIN_SECONDS or count >= PROBE_MAX_REPEATS * 10:
                break
        cpu = time.process_time() - cpu0
        return {"type": "task-profile", "wallMs": wall * 1000.0 / count, "cpuMs": cpu * 1000.0 / count}

    def cmd_serialization(self, command):
        self._require_init()
        if not self.has_first_result:
            try:
                self.first_result, self.has_first_result = self.fn(*self.items[0]), True
            except BaseException as error:
                raise HarnessError("raised", "%s raised on task 0: %s" % (self.function_name, _describe_exception(error)),
                                   mode="sequential", detail=_user_traceback(error))
        # What a process pool sends: the call (function by reference plus the arguments) one way,
        # the result the other way.
        call, result = (self.fn, self.items[0]), self.first_result
        self._check_picklable(None)
        try:
            sizes = len(pickle.dumps(call, pickle.HIGHEST_PROTOCOL)) + len(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
        except BaseException as error:
            raise self._unpicklable(None, error)
        repeats, start = 0, time.perf_counter()
        while True:
            pickle.loads(pickle.dumps(call, pickle.HIGHEST_PROTOCOL))
            pickle.loads(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
            repeats += 1
            elapsed = time.perf_counter() - start
            if elapsed >= PROBE_MIN_SECONDS or repeats >= PROBE_MAX_REPEATS:
                break
        return {"type": "serialization", "bytesPerTask": sizes, "msPerTask": elapsed * 1000.0 / repeats}

    def cmd_run(self, command):
        self._require_init()
        mode, workers, repeat = command["mode"], int(command["workers"]), max(1, int(command["repeat"]))
        pool, startup_ms = self._pool(mode, workers)
        fn, items = self.fn, self.items
        worker_cpu = 0.0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        try:
            for _ in range(repeat):
                if pool is None:
                    for args in items:
                        fn(*args)
                elif mode in ("processes", "processes-spawn"):
                    futures = [pool.submit(_call_in_worker, fn, args) for args in items]
                    for index, future in enumerate(futures):
                        status, payload, detail, cpu = future.result()
                        worker_cpu += cpu
                        if status == "raised":
                            for other in futures:
                                other.cancel()
                            raise HarnessError("raised", "%s raised in mode %s (task %d): %s" % (
                                self.function_name, mode, index, payload), mode=mode, detail=detail)
                else:
                    futures = [pool.submit(fn, *args) for args in items]
                    for future in futures:
                        future.result()
        except HarnessError:
            raise
        except BaseException as error:
            raise self._classify_pool_error(mode, workers, error)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0 + worker_cpu
        # Interpreters run in this process: process_time covers them. Threads likewise.
        return {"type": "sample", "mode": mode, "workers": workers, "repeat": repeat, "wallMs": wall * 1000.0,
                "cpuMs": cpu * 1000.0, "startupMs": startup_ms}

    def cmd_dispatch(self, command):
        self._require_init()
        mode, workers = command["mode"], int(command["workers"])
        pool, _ = self._pool(mode, workers)
        count = len(self.items)
        per_task = []
        start = time.perf_counter()
        try:
            while True:
                t0 = time.perf_counter()
                if pool is None:
                    for _ in range(count):
                        int()
                else:
                    # `int` is the empty task: a builtin, so it pickles by reference everywhere
                    # (worker processes and sub-interpreters) and costs ~50 ns to call.
                    futures = [pool.submit(int) for _ in range(count)]
                    for future in futures:
                        future.result()
                per_task.append((time.perf_counter() - t0) / count)
                if time.perf_counter() - start >= PROBE_MIN_SECONDS or len(per_task) >= PROBE_MAX_REPEATS:
                    break
        except BaseException as error:
            raise self._classify_pool_error(mode, workers, error)
        per_task.sort()
        return {"type": "dispatch", "mode": mode, "workers": workers, "perTaskMs": per_task[len(per_task) // 2] * 1000.0}

    def cmd_shutdown(self, command):
        # A clean shutdown lets multiprocessing release its semaphores (otherwise its resource
        # tracker prints "leaked semaphore" warnings on the user's stderr).
        for pool in self.pools.values():
            try:
                pool.shutdown(wait=True, cancel_futures=True)
            except Exception:
                self._discard(pool)
        self.pools.clear()
        return {"type": "bye"}

    # -- pools

    def _require_init(self):
        if self.fn is None:
            raise HarnessError("internal", "the harness was not initialised (send init first)")

    def _pool(self, mode, workers):
        """The pool for (mode, workers), created on first use; returns (pool, start-up ms or None)."""
        if mode == "sequential":
            return None, None
        key = (mode, workers)
        pool = self.pools.get(key)
        if pool is not None:
            return pool, None
        if mode not in self.facts["modes"]:
            raise HarnessError("unsupported", "mode %s is not available with Python %s" % (mode, platform.python_version()), mode=mode)
        start = time.perf_counter()
        try:
            pool = self._make_pool(mode, workers)
            # Start-up = create the pool and get answers from it. Submitting `workers` empty tasks
            # at once makes pools that start workers on demand start all of them.
            for future in [pool.submit(int) for _ in range(workers)]:
                future.result()
        except HarnessError:
            raise
        except BaseException as error:
            if pool is not None:
                self._discard(pool)
            raise self._classify_pool_error(mode, workers, error, starting=True)
        self.pools[key] = pool
        return pool, (time.perf_counter() - start) * 1000.0

    def _make_pool(self, mode, workers):
        import concurrent.futures as cf

        if mode == "threads":
            return cf.ThreadPoolExecutor(max_workers=workers)
        if mode in ("processes", "processes-spawn"):
            import multiprocessing

            method = "spawn" if mode == "processes-spawn" else multiprocessing.get_start_method()
            return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                          initializer=_init_worker,
                                          initargs=(self.path, self.module_name, self.dotted, self.sys_path))
        if mode == "interpreters":
            # Python 3.14+: each worker is a sub-interpreter with its own GIL; it shares no
            # modules with this one, so it loads the user's file itself. `exec` is a builtin and
            # pickles by reference, unlike a function of this script.
            if self.dotted:
                code = (
                    "import sys, importlib\n"
                    "for p in reversed(%r):\n"
                    "    if p in sys.path: sys.path.remove(p)\n"
                    "    sys.path.insert(0, p)\n"
                    "importlib.import_module(%r)\n"
                ) % (self.sys_path, self.dotted)
            else:
                code = (
                    "import sys, importlib.util\n"
                    "if %r not in sys.path: sys.path.insert(0, %r)\n"
                    "if %r not in sys.modules:\n"
                    "    spec = importlib.util.spec_from_file_location(%r, %r)\n"
                    "    module = importlib.util.module_from_spec(spec)\n"
                    "    sys.modules[%r] = module\n"
                    "    spec.loader.exec_module(module)\n"
                ) % (os.path.dirname(self.path), os.path.dirname(self.path), self.module_name, self.module_name, self.path,
                     self.module_name)
            return cf.InterpreterPoolExecutor(max_workers=workers, initializer=exec, initargs=(code, {}))
        raise HarnessError("unsupported", "unknown mode %r" % mode, mode=mode)

    def _classify_pool_error(self, mode, workers, error, starting=False):
        from concurrent.futures.process import BrokenProcessPool

        broken_types = (BrokenProcessPool,)
        try:
            from concurrent.futures.thread import BrokenThreadPool

            broken_types += (BrokenThreadPool,)
        except ImportError:
            pass
        if isinstance(error, broken_types):
            # A broken pool cannot be reused: forget it so a later command starts a fresh one.
            pool = self.pools.pop((mode, workers), None)
            if pool is not None:
                self._discard(pool)
            cause = error.__cause__
            if cause is not None and _is_pickling_error(cause):
                return self._unpicklable(mode, cause)
            what = "a worker process of the pool died" if mode.startswith("processes") else "the pool broke"
            if starting or isinstance(cause, BaseException) and "initializer" in str(error):
                what = "the pool's workers failed to start (importing the module in a worker failed?)"
            return HarnessError("worker-died", "%s in mode %s with %d workers: %s. The function may call os._exit(), "
                                "crash the interpreter, or be killed for using too much memory." % (
                                    what, mode, workers, str(error).rstrip(".")), mode=mode, detail=_remote_detail(error))
        if _is_pickling_error(error):
            return self._unpicklable(mode, error)
        if mode in ("threads", "interpreters"):
            return HarnessError("raised", "%s raised in mode %s: %s" % (self.function_name, mode, _describe_exception(error)),
                                mode=mode, detail=_user_traceback(error))
        if mode == "sequential":
            return HarnessError("raised", "%s raised in mode sequential: %s" % (self.function_name, _describe_exception(error)),
                                mode=mode, detail=_user_traceback(error))
        return HarnessError("internal", "mode %s failed: %s" % (mode, _describe_exception(error)), mode=mode,
                            detail=_remote_detail(error))

    def _check_picklable(self, mode):
        try:
            pickle.dumps(self.fn, pickle.HIGHEST_PROTOCOL)
        except BaseException as error:
            raise self._unpicklable(mode, error, what="function")

    def _unpicklable(self, mode, error, what=None):
        """Names what cannot be pickled: the function, an argument or a result."""
        if what is None:
            what = "result"
            try:
                pickle.dumps(self.fn, pickle.HIGHEST_PROTOCOL)
            except BaseException:
                what = "function"
            else:
                for index, args in enumerate(self.items):
                    try:
                        pickle.dumps(args, pickle.HIGHEST_PROTOCOL)
                    except BaseException:
                        what = "argument of task %d" % index
                        break
        if what == "function":
            hint = (" Process pools send the function by reference (module + name), so it must be a def at the "
                    "top level of the module: not a lambda, a nested function, or a decorated wrapper.")
            subject = "the function %r" % self.function_name
        elif what == "result":
            hint = " Return plain data (numbers, strings, lists, dicts, dataclasses) instead."
            subject = "the result of %s" % self.function_name
        else:
            hint = " Pass plain data instead (not locks, files, sockets, generators or lambdas)."
            subject = "the " + what
        where = " in mode %s" % mode if mode else ""
        return HarnessError("unpicklable", "%s cannot be pickled%s, so it cannot be sent to a worker process: %s.%s" % (
            subject, where, _describe_exception(error), hint), mode=mode)

    def _discard(self, pool):
        # Read the workers before shutdown(), which forgets them (sets _processes to None).
        processes = list((getattr(pool, "_processes", None) or {}).values())
        try:
            pool.shutdown(wait=False, cancel_futures=True)
        except Exception:
            pass
        for process in processes:
            try:
                process.kill()
            except Exception:
                pass

    def close_pools(self):
        for pool in self.pools.values():
            self._discard(pool)
        self.pools.clear()


def _remote_detail(error):
    cause = error.__cause__
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    if cause is not None and type(cause).__name__ == "_RemoteTraceback":
        text = str(cause) + "\n" + text
    return text.rstrip()


def interpreter_facts():
    import concurrent.futures as cf
    import multiprocessing

    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    try:
        start_method = multiprocessing.get_start_method()
    except Exception:
        start_method = None
    cpu_count = os.cpu_count() or 1
    if hasattr(os, "process_cpu_count"):  # 3.13+: honours affinity and -X cpu_count
        usable = os.process_cpu_count() or cpu_count
    elif hasattr(os, "sched_getaffinity"):
        usable = len(os.sched_getaffinity(0))
    else:
        usable = cpu_count
    has_interpreters = hasattr(cf, "InterpreterPoolExecutor")
    modes = ["sequential", "threads", "processes"]
    if start_method != "spawn":
        modes.append("processes-spawn")
    if has_interpreters:
        modes.append("interpreters")
    return {
        "language": "python",
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "gilEnabled": bool(gil),
        "defaultStartMethod": start_method,
        "hasInterpreterPool": has_interpreters,
        "cpuCount": cpu_count,
        "usableCpus": usable,
        "modes": modes,
    }


def _watch_parent(parent, harness):
    """Kill this process group when the engine goes away (even by SIGKILL), so no worker is orphaned.

    The engine normally kills the group itself; this covers the engine dying first.
    """
    import signal

    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            try:
                if os.getpgid(0) == os.getpid():  # we lead our own group: it is all ours
                    os.killpg(os.getpid(), signal.SIGKILL)
            finally:
                os._exit(70)


def _move_high(fd):
    """A non-inheritable copy of `fd` at HIGH_FD or above (the original stays open)."""
    try:
        import fcntl

        return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, HIGH_FD)
    except (ImportError, AttributeError, OSError):  # Windows: no fcntl; any free number will do
        return os.dup(fd)


def _open_descriptors():
    """The reply and command streams, moved out of the user's way; None without a reply descriptor.

    Before the user's code runs: the reply descriptor is copied high (and its number removed from
    the environment), the commands are taken off stdin, stdin reads /dev/null, and fd 3 points at
    /dev/null. A closed fd 3 would be reused by the next open(), and a stray write to it would
    land in whatever got it; the command socket there filled up and blocked a writing function
    until the timeout.
    """
    try:
        reply_fd = int(os.environ.pop(REPLY_FD_ENV, "3"))
        os.fstat(reply_fd)
    except (ValueError, OSError):
        return None
    if reply_fd >= HIGH_FD:
        os.set_inheritable(reply_fd, False)
    else:
        high = _move_high(reply_fd)
        os.close(reply_fd)
        reply_fd = high
    command_fd = _move_high(0)
    # The user's code must not read the protocol: it gets an empty stdin, and a harmless fd 3.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 3)
    if null not in (0, 3):
        os.close(null)
    replies = os.fdopen(reply_fd, "w", encoding="utf-8", buffering=1)
    commands = os.fdopen(command_fd, "r", encoding="utf-8")
    return replies, commands


def main():
    streams = _open_descriptors()
    if streams is None:
        sys.stderr.write("python_harness.py speaks to the Concurrency Lens engine on the descriptor %s names (else "
                         "fd 3); run it through `concurrency-lens bench`.\n" % REPLY_FD_ENV)
        return 2
    replies, commands = streams
    harness = Harness(replies)
    if os.name == "posix":
        threading.Thread(target=_watch_parent, args=(os.getppid(), harness), daemon=True,
                         name="clens-parent-watch").start()
    try:
        harness.serve(commands)
    finally:
        harness.close_pools()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
    # os._exit: skip interpreter teardown, which would wait for pool threads and run the user's
    # atexit handlers in the middle of our shutdown.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
