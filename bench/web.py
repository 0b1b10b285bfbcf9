"""`make bench-web`: the marketplace's pages under load, next to a hello-world Flask app.

    python -m bench.web [--needs 10000] [--duration 10] [--warmup 2] [--connections 8]
                        [--threads 2] [--stress-duration 60] [--stress-connections 128]
                        [--timeout 2s] [--client auto|wrk|python] [--rebuild]
                        [--cache-dir bench/.cache/web] [--output bench/results-web.json]

1. Data: a data directory with `setup --demo` and N needs from bench/needs_gen.py imported
   with `challenges import` in chunks of 5,000 lines (timed: needs/s). It is built once and
   kept under --cache-dir, named by N, the seed and a hash of the generator, of migrations/
   and of the default taxonomy file; a build older than --max-age-days (deadlines are spread
   around the build day) or --rebuild builds it again. Before serving, `setup` (migrates, repairs the index)
   and `challenges close-expired` run on it, so no request has to do that work.
2. Servers: gunicorn `wsgi:app` and gunicorn `bench.hello:app`, each 2 sync workers on
   127.0.0.1 and a free port, in their own process groups; both are stopped on exit, error,
   Ctrl+C or SIGTERM.
3. Load, from a second process: wrk (8 connections, 2 threads, --warmup s discarded then
   --duration s measured, per page), or a bounded Python client (threads + http.client, the
   same connections and durations) when wrk is missing. Every page is checked for 200 first.
   The hello-world app is measured before and after the pages; ratio = page req/s ÷ their mean.
   Then one --stress-duration run of the search page at --stress-connections.
4. Output: bench/results-web.json and a table. Nothing is asserted about timings.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
CHUNK = 5000
SOLVER = ("solver@demo.example", "demo-password")
DEEP_PAGE = 200
STRESS_PAGE = "search zh"          # the page loaded at --stress-connections
# what a data directory's content depends on besides N and the seed: the generator, the schema
# and the default taxonomy that `setup` loads (classification and cross-language search use it)
CACHE_INPUTS = (HERE / "needs_gen.py", ROOT / "migrations",
                ROOT / "marketplace" / "taxonomy" / "data" / "taxonomy-1030.yaml")
# never let the caller's environment point the benchmark at a real database or mail server
SCRUBBED_ENV = ("DATABASE_URL", "SECRET_KEY", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD",
                "PUBLIC_BASE_URL", "FLASK_DEBUG", "TEST_DATABASE_URL")

WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non200 = 0
end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local non = 0
  for _, thread in ipairs(threads) do non = non + (thread:get("non200") or 0) end
  local e = summary.errors
  local p = {0, 0, 0, 0, 0, 0}
  local lmin, lmax, lmean, lstdev = 0, 0, 0, 0
  if summary.requests > 0 and latency.max > 0 then
    p = {latency:percentile(50), latency:percentile(75), latency:percentile(90),
         latency:percentile(99), latency:percentile(99.9), latency:percentile(95)}
    lmin, lmax, lmean, lstdev = latency.min, latency.max, latency.mean, latency.stdev
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "non_200": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "max": %d, "mean": %.1f, "stdev": %.1f, ' ..
    '"p50": %d, "p75": %d, "p90": %d, "p95": %d, "p99": %d, "p999": %d}}\n',
    summary.requests, summary.duration, summary.bytes, non,
    e.connect, e.read, e.write, e.status, e.timeout,
    lmin, lmax, lmean, lstdev, p[1], p[2], p[3], p[6], p[4], p[5]))
end
"""


class BenchError(RuntimeError):
    """Something the benchmark cannot go on without; the message says what."""


def log(message: str) -> None:
    print(f"[bench-web {time.strftime('%H:%M:%S')}] {message}", flush=True)


def child_env(data_dir: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["FLASK_APP"] = "wsgi"
    env["PYTHONUNBUFFERED"] = "1"
    if data_dir is not None:
        env["MARKETPLACE_DATA_DIR"] = str(data_dir)
    return env


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"{name} not found (expected {path}); run `make bench-web`")
    return found


def flask_cli(data_dir: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run([tool("flask"), "--app", "wsgi", *args], cwd=ROOT,
                          env=child_env(data_dir), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise BenchError(f"`flask {' '.join(args)}` failed with status {proc.returncode}:\n"
                         f"{(proc.stdout + proc.stderr)[-4000:]}")
    return elapsed, proc


# -- the data directory --------------------------------------------------------------------
def cache_key(needs: int, seed: int) -> str:
    digest = hashlib.sha256(f"needs={needs};seed={seed}".encode())
    for item in CACHE_INPUTS:
        files = [item] if item.is_file() else sorted(
            p for p in item.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in files:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _prepare_cache_root(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    if root.is_relative_to(HERE) and root != HERE:
        # keep the cache out of git without touching the project's .gitignore
        ignore = HERE / root.relative_to(HERE).parts[0] / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n")


def build_data(needs: int, seed: int, cache_root: Path, rebuild: bool,
               max_age_days: int) -> tuple[Path, dict, bool]:
    """(data dir, build info, reused?) for N needs."""
    from bench import needs_gen

    _prepare_cache_root(cache_root)
    name = f"needs-{needs}-seed{seed}-{cache_key(needs, seed)}"
    final = cache_root / name
    info_file = final / "build-info.json"
    if final.exists() and info_file.exists() and not rebuild:
        info = json.loads(info_file.read_text())
        age = (date.today() - date.fromisoformat(info["base_date"])).days
        if age <= max_age_days:
            log(f"reusing {final} (built {info['built_at']}, {age} days ago)")
            return final / "data", info, True
        log(f"{final} is {age} days old (> --max-age-days {max_age_days}): building again")
    building = cache_root / f"{name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    data = building / "data"
    base_date = needs_gen.default_base_date()
    info = {"needs": needs, "seed": seed, "base_date": base_date.isoformat(),
            "cache_key": name, "chunk_lines": CHUNK}
    try:
        data.mkdir(parents=True)
        log(f"building {final.name}: setup --demo")
        info["setup_demo_seconds"] = round(flask_cli(data, "setup", "--demo")[0], 2)
        chunks, import_seconds, generate_seconds, created = [], 0.0, 0.0, 0
        for start in range(0, needs, CHUNK):
            stop = min(needs, start + CHUNK)
            chunk_file = building / f"needs-{start:07d}.jsonl"
            t0 = time.perf_counter()
            needs_gen.write_jsonl(chunk_file, start, stop, seed, base_date)
            generate_seconds += time.perf_counter() - t0
            seconds, proc = flask_cli(data, "challenges", "import", str(chunk_file))
            # "Imported N needs (C new, U updated, K unchanged)." in the program's language
            counts = [re.findall(r"\d+", line) for line in proc.stderr.splitlines()]
            counts = [c for c in counts if len(c) == 4]
            if counts:
                created += int(counts[-1][1])
            import_seconds += seconds
            chunk_file.unlink()
            chunks.append({"first": start + 1, "last": stop, "seconds": round(seconds, 2),
                           "needs_per_second": round((stop - start) / seconds, 1)})
            log(f"imported {stop:,}/{needs:,}: {stop - start:,} needs in {seconds:.1f} s "
                f"({(stop - start) / seconds:.0f} needs/s; so far {stop / import_seconds:.0f} "
                f"needs/s)")
        if created != needs:
            raise BenchError(f"the import reported {created} new needs, expected {needs}")
        seconds, proc = flask_cli(data, "challenges", "close-expired")
        info["close_expired_seconds"] = round(seconds, 2)
        verify = subprocess.run([tool("flask"), "--app", "wsgi", "search", "verify"], cwd=ROOT,
                                env=child_env(data), capture_output=True, text=True)
        if verify.returncode != 0:
            log("search verify found drift; running search sync")
            flask_cli(data, "search", "sync")
            flask_cli(data, "search", "verify")
        info.update(built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    generate_seconds=round(generate_seconds, 2),
                    import_seconds=round(import_seconds, 2),
                    import_needs_per_second=round(needs / import_seconds, 1) if needs else None,
                    import_chunks=chunks, data_bytes=_size(data))
        (building / "build-info.json").write_text(json.dumps(info, indent=2) + "\n")
        if final.exists():
            stale = cache_root / f"{name}.stale-{os.getpid()}"
            final.rename(stale)
            shutil.rmtree(stale, ignore_errors=True)
        building.rename(final)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return final / "data", info, False


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- servers -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn in its own process group (session), so stopping it stops its workers."""

    def __init__(self, name: str, app: str, env: dict, log_dir: Path, workers: int):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [tool("gunicorn"), "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", app],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_ready(self, path: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} server exited with status {self.proc.returncode}:"
                                 f"\n{self.log_tail()}")
            try:
                status, _body, _headers = fetch(self.base + path, timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise BenchError(f"{self.name} server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        _signal_group(self.proc.pid, signal.SIGKILL)       # any worker left behind
        self._log.close()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# -- HTTP ----------------------------------------------------------------------------------
def fetch(url: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, bytes, dict]:
    """One GET without following redirects: (status, body, headers)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path or "/", headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def check_page(url: str, headers: dict | None = None) -> bytes:
    status, body, response_headers = fetch(url, headers)
    if status != 200:
        where = response_headers.get("Location", "")
        raise BenchError(f"GET {url} answered {status} {where}, not 200:\n"
                         f"{body[:800].decode('utf-8', 'replace')}")
    return body


def sign_in(base: str) -> str:
    """Log in as the demo solver through the real form; the Cookie header for later requests."""
    home = check_page(base + "/").decode("utf-8")
    link = re.search(r"href=\"(/[^\"?#]*/login)[\"?]", home)   # the header's "Log in" link
    login = link.group(1) if link else "/account/login"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + login, timeout=30).read().decode("utf-8")
    field = re.search(r"<input[^>]*name=\"csrf_token\"[^>]*>", page)
    token = re.search(r"value=\"([^\"]+)\"", field.group(0)) if field else None
    if not token:
        raise BenchError("no csrf_token field on /login")
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "email": SOLVER[0],
                                   "password": SOLVER[1]}).encode()
    response = opener.open(base + login, data=form, timeout=30)   # follows the redirect
    landed = urllib.parse.urlsplit(response.geturl()).path
    if response.status != 200 or landed == login:
        raise BenchError(f"logging in as {SOLVER[0]} failed (landed on {landed})")
    opener.open(base + "/my/bids", timeout=30).read()   # the welcome flash is shown and gone
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise BenchError(f"no session cookie after logging in (cookies: {cookies!r})")
    return cookies


# -- load ----------------------------------------------------------------------------------
def wrk_path() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)


def _seconds(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)?", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 2s, 500ms)")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value / 1000 if unit == "ms" else value * 60 if unit == "m" else value


def run_load(client: str, url: str, seconds: float, connections: int, threads: int,
             timeout: str, headers: dict, script: Path) -> dict:
    """One load run from a second process (wrk, or this module's `_load` client)."""
    if client == "wrk":
        cmd = [wrk_path(), "-t", str(min(threads, connections)), "-c", str(connections),
               "-d", f"{max(1, round(seconds))}s", "--timeout", timeout, "--latency",
               "-s", str(script)]
        for name, value in headers.items():
            cmd += ["-H", f"{name}: {value}"]
        cmd.append(url)
    else:
        cmd = [sys.executable, "-m", "bench.web", "_load", json.dumps({
            "url": url, "seconds": seconds, "connections": connections,
            "timeout": _seconds(timeout), "headers": headers})]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          timeout=seconds + _seconds(timeout) + 60)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise BenchError(f"load client failed ({proc.returncode}) on {url}:\n"
                         f"{(proc.stdout + proc.stderr)[-3000:]}")
    raw = json.loads(line[len("WRKJSON "):])
    elapsed = raw["duration_us"] / 1e6
    lat = raw["latency_us"]
    result = {
        "requests": raw["requests"], "seconds": round(elapsed, 2),
        "requests_per_second": round(raw["requests"] / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {k: round(lat[k] / 1000, 2) for k in
                       ("p50", "p75", "p90", "p95", "p99", "p999", "mean", "max")},
        "errors": raw["errors"], "non_200": raw["non_200"],
        "bytes_per_response": round(raw["bytes"] / raw["requests"]) if raw["requests"] else 0,
    }
    socket_errors = re.search(r"^\s*Socket errors:.*$", proc.stdout, re.MULTILINE)
    non2xx = re.search(r"^\s*Non-2xx or 3xx responses:.*$", proc.stdout, re.MULTILINE)
    result["socket_errors"] = socket_errors.group(0).strip() if socket_errors else \
        "Socket errors: connect {connect}, read {read}, write {write}, timeout {timeout}".format(
            **raw["errors"])
    result["non_2xx_3xx"] = raw["errors"]["status"]
    if non2xx:
        result["non_2xx_3xx_line"] = non2xx.group(0).strip()
    return result


def python_load(config: dict) -> None:
    """The fallback client: one thread per connection, keep-alive, for `seconds`; prints the
    same WRKJSON line as the wrk script (latencies in µs)."""
    parts = urllib.parse.urlsplit(config["url"])
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = config["headers"]
    timeout, connections = config["timeout"], config["connections"]
    stop_at = time.monotonic() + config["seconds"]
    lock = threading.Lock()
    totals = {"latencies": [], "bytes": 0, "non_200": 0, "status": 0,
              "connect": 0, "read": 0, "write": 0, "timeout": 0}

    def worker() -> None:
        latencies, counts, conn = [], dict.fromkeys(
            ("bytes", "non_200", "status", "connect", "read", "write", "timeout"), 0), None
        while time.monotonic() < stop_at:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except socket.timeout:
                counts["timeout"] += 1
            except ConnectionRefusedError:
                counts["connect"] += 1
                time.sleep(0.01)
            except (OSError, http.client.HTTPException):
                counts["read"] += 1
            else:
                latencies.append((time.perf_counter() - started) * 1e6)
                counts["bytes"] += len(body)
                counts["non_200"] += response.status != 200
                counts["status"] += response.status > 399
                if not response.will_close:
                    continue
            conn.close()
            conn = None
        if conn is not None:
            conn.close()
        with lock:
            totals["latencies"].extend(latencies)
            for key, value in counts.items():
                totals[key] += value

    started = time.monotonic()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(config["seconds"] + timeout + 30)
    elapsed = time.monotonic() - started
    samples = sorted(totals["latencies"])

    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, int(p / 100 * len(samples)))] if samples else 0

    print("WRKJSON " + json.dumps({
        "requests": len(samples), "duration_us": int(elapsed * 1e6), "bytes": totals["bytes"],
        "non_200": totals["non_200"],
        "errors": {k: totals[k] for k in ("connect", "read", "write", "status", "timeout")},
        "latency_us": {"min": samples[0] if samples else 0, "max": samples[-1] if samples else 0,
                       "mean": sum(samples) / len(samples) if samples else 0, "stdev": 0,
                       "p50": pct(50), "p75": pct(75), "p90": pct(90), "p95": pct(95),
                       "p99": pct(99),
                       "p999": pct(99.9)}}), flush=True)


# -- the run -------------------------------------------------------------------------------
def machine_info(client: str) -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "client": client}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
        meminfo = Path("/proc/meminfo").read_text()
        total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
        info["memory_gb"] = round(int(total.group(1)) / 1024 ** 2, 1) if total else None
    except OSError:
        info["cpu"] = platform.processor()
    if client == "wrk":
        version = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True)
        info["wrk"] = (version.stdout + version.stderr).splitlines()[0].strip()
    from importlib.metadata import version as package_version
    for package in ("gunicorn", "flask", "sqlalchemy"):
        try:
            info[package] = package_version(package)
        except Exception:  # noqa: BLE001  (informational only)
            pass
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True)
    if git.returncode == 0:
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                               text=True).stdout.splitlines()
        info["git"] = {"commit": git.stdout.strip(), "changed_files": len(dirty)}
    return info


def pick_pages(app: str) -> list[dict]:
    """The pages to load, with the need and the deep page taken from the running app."""
    first = check_page(app + "/needs/").decode("utf-8")
    pages = [int(n) for n in re.findall(r"[?&;]page=(\d+)", first)]
    last = max(pages, default=1)
    need = re.search(r"href=\"/needs/(\d+)\"", first)
    if not need:
        raise BenchError("no need linked from /needs/: is anything published?")
    deep = min(DEEP_PAGE, last)
    q = urllib.parse.urlencode
    return [
        {"name": "need list", "path": "/needs/"},
        {"name": f"need list p{deep}", "path": f"/needs/?page={deep}", "last_page": last},
        {"name": "need page", "path": f"/needs/{need.group(1)}"},
        {"name": "industry map", "path": "/industry-map"},
        {"name": "home", "path": "/"},
        {"name": "search zh", "path": "/search?" + q({"q": "碳化硅"})},
        {"name": "search en", "path": "/search?" + q({"q": "silicon carbide"})},
        {"name": "search cross-lang", "path": "/search?" + q({"q": "solid-state battery"})},
        {"name": "search facets", "path": "/search?" + q(
            {"q": "电池", "status": "open", "budget": "1000-5000"})},
        {"name": "my bids (signed in)", "path": "/my/bids", "signed_in": True},
    ]


def measure(args, client: str, script: Path, url: str, headers: dict, name: str,
            connections: int | None = None, seconds: float | None = None) -> dict:
    connections = connections or args.connections
    if args.warmup > 0:
        run_load(client, url, args.warmup, connections, args.threads, args.timeout, headers,
                 script)
    result = run_load(client, url, seconds or args.duration, connections, args.threads,
                      args.timeout, headers, script)
    if result["non_200"] or any(result["errors"].values()):
        log(f"WARNING {name}: {result['non_200']} non-200 responses, {result['socket_errors']}")
    return result


def serve_and_load(args, data_dir: Path, client: str) -> dict:
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="bench-web-") as scratch:
        scratch_dir = Path(scratch)
        script = scratch_dir / "report.lua"
        script.write_text(WRK_SCRIPT)
        try:
            app_server = Server("app", "wsgi:app", child_env(data_dir), scratch_dir,
                                args.workers)
            servers.append(app_server)
            hello_server = Server("hello", "bench.hello:app", child_env(None), scratch_dir,
                                  args.workers)
            servers.append(hello_server)
            hello_server.wait_ready("/")
            app_server.wait_ready("/healthz")
            # the same app with the page cache off: what a page costs to make
            uncached_server = Server("app-uncached", "wsgi:app",
                                     {**child_env(data_dir), "PAGE_CACHE": "0"}, scratch_dir,
                                     args.workers)
            servers.append(uncached_server)
            uncached_server.wait_ready("/healthz")
            log(f"app on {app_server.base}, hello-world on {hello_server.base} "
                f"({args.workers} sync workers each); client: {client}")
            pages = pick_pages(app_server.base)
            cookie = sign_in(app_server.base)
            for page in pages:
                page["headers"] = {"Cookie": cookie} if page.get("signed_in") else {}
                body = check_page(app_server.base + page["path"], page["headers"])
                page["bytes"] = len(body)
                if page["path"].startswith("/search"):   # "123 项需求 · …", for the record
                    summary = re.search(r"<p class=\"muted\">([^<]*\d[^<]*)</p>",
                                        body.decode("utf-8", "replace"))
                    page["results"] = " ".join(summary.group(1).split()) if summary else None
            check_page(hello_server.base + "/")
            results = {"pages": []}
            log(f"hello-world: {args.warmup:g} s warm-up + {args.duration:g} s")
            hello_before = measure(args, client, script, hello_server.base + "/", {}, "hello")
            for page in pages:
                log(f"{page['name']} ({page['path']})")
                result = measure(args, client, script, app_server.base + page["path"],
                                 page["headers"], page["name"])
                check_page(app_server.base + page["path"], page["headers"])   # still 200
                results["pages"].append({
                    "name": page["name"], "path": page["path"], "signed_in":
                        bool(page.get("signed_in")), "page_bytes": page["bytes"],
                    **{k: page[k] for k in ("last_page", "results") if k in page},
                    **result})
            results["uncached"] = []
            for page in pages:
                if page.get("signed_in"):
                    continue         # signed-in pages are never cached: measured above
                log(f"{page['name']}, page cache off")
                result = measure(args, client, script, uncached_server.base + page["path"],
                                 {}, page["name"] + " (uncached)")
                results["uncached"].append({"name": page["name"], "path": page["path"],
                                            **result})
            log("hello-world again")
            hello_after = measure(args, client, script, hello_server.base + "/", {}, "hello")
            baseline = (hello_before["requests_per_second"]
                        + hello_after["requests_per_second"]) / 2
            results["hello"] = {"path": "/", "before": hello_before, "after": hello_after,
                                "baseline_requests_per_second": round(baseline, 1)}
            for row in results["pages"] + results["uncached"]:
                row["ratio"] = round(row["requests_per_second"] / baseline, 4) if baseline else None
            stress_page = next(p for p in pages if p["name"] == STRESS_PAGE)
            log(f"{stress_page['name']} at {args.stress_connections} connections for "
                f"{args.stress_duration:g} s")
            stress = measure(args, client, script, app_server.base + stress_page["path"], {},
                             "stress", connections=args.stress_connections,
                             seconds=args.stress_duration)
            results["stress"] = {"name": stress_page["name"], "path": stress_page["path"],
                                 "connections": args.stress_connections,
                                 "threads": args.threads, "timeout": args.timeout, **stress,
                                 "ratio": round(stress["requests_per_second"] / baseline, 4)
                                 if baseline else None}
            log(f"{stress_page['name']}, page cache off, at {args.stress_connections} "
                f"connections for {args.stress_duration:g} s")
            stress_off = measure(args, client, script,
                                 uncached_server.base + stress_page["path"], {}, "stress",
                                 connections=args.stress_connections,
                                 seconds=args.stress_duration)
            results["stress_uncached"] = {
                "name": stress_page["name"] + " (uncached)", "path": stress_page["path"],
                "connections": args.stress_connections, "threads": args.threads,
                "timeout": args.timeout, **stress_off,
                "ratio": round(stress_off["requests_per_second"] / baseline, 4)
                if baseline else None}
            results["server_log_warnings"] = [
                line for line in app_server.log_tail(200_000).splitlines()
                if "[ERROR]" in line or "WORKER TIMEOUT" in line or "Traceback" in line][:50]
            return results
        finally:
            for server in servers:
                server.stop()


def print_table(results: dict) -> None:
    hello = results["hello"]
    baseline = hello["baseline_requests_per_second"] or float("nan")
    rows = [(f"hello-world ({when})", hello[when], hello[when]["requests_per_second"] / baseline)
            for when in ("before", "after")]
    rows += [(r["name"], r, r["ratio"] or float("nan")) for r in results["pages"]]
    rows += [(f"{r['name']} (uncached)", r, r["ratio"] or float("nan"))
             for r in results.get("uncached", [])]
    stress = results["stress"]
    rows.append((f"{stress['name']} @{stress['connections']} conns", stress,
                 stress["ratio"] or float("nan")))
    if "stress_uncached" in results:
        off = results["stress_uncached"]
        rows.append((f"{off['name']} @{off['connections']} conns", off,
                     off["ratio"] or float("nan")))
    print()
    print(f"{'page':<36} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7}")
    print("-" * 88)
    for name, row, ratio in rows:
        errors = sum(row["errors"].values()) - row["errors"]["status"] + row["non_200"]
        print(f"{name:<36} {row['requests_per_second']:>8.1f} {ratio:>7.3f} "
              f"{row['latency_ms']['p50']:>8.1f} {row['latency_ms'].get('p95', 0):>8.1f} "
              f"{row['latency_ms']['p99']:>8.1f} {errors:>7}")
    print("errors: socket errors (connect, read, write, timeout) + responses other than 200")
    print(f"{stress['name']} @{stress['connections']} connections, {stress['seconds']:.0f} s: "
          f"{stress['requests']} requests, {stress['socket_errors']}, "
          f"non-2xx/3xx {stress['non_2xx_3xx']}, non-200 {stress['non_200']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.web",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=10000, help="generated needs (default 10000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=2, help="seconds discarded per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app")
    parser.add_argument("--stress-duration", type=float, default=60)
    parser.add_argument("--stress-connections", type=int, default=128)
    parser.add_argument("--timeout", default="2s", help="per-request timeout (wrk's default 2s)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache" / "web")
    parser.add_argument("--max-age-days", type=int, default=30,
                        help="rebuild a cached data directory older than this")
    parser.add_argument("--rebuild", action="store_true", help="build the data directory again")
    parser.add_argument("--build-only", action="store_true", help="build (or reuse) and stop")
    parser.add_argument("--output", type=Path, default=HERE / "results-web.json")
    args = parser.parse_args(argv)
    try:
        _seconds(args.timeout)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    if args.needs < 0 or args.connections < 1 or args.threads < 1 or args.workers < 1:
        parser.error("--needs must be >= 0; --connections, --threads and --workers >= 1")
    return args


def _raise_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_load"]:                     # the fallback client, in its own process
        python_load(json.loads(argv[1]))
        return 0
    args = parse_args(argv)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_on_signal)
    client = args.client if args.client != "auto" else ("wrk" if wrk_path() else "python")
    if client == "wrk" and not wrk_path():
        raise BenchError("--client wrk: wrk is not installed")
    try:
        data_dir, info, reused = build_data(args.needs, args.seed, args.cache_dir.resolve(),
                                            args.rebuild, args.max_age_days)
        if info.get("import_needs_per_second"):
            log(f"import: {args.needs:,} needs in {info['import_seconds']:.1f} s "
                f"= {info['import_needs_per_second']:.1f} needs/s"
                + (" (from the cached build)" if reused else ""))
        if args.build_only:
            return 0
        setup_seconds = flask_cli(data_dir, "setup")[0]
        flask_cli(data_dir, "challenges", "close-expired")
        log(f"setup on the data directory: {setup_seconds:.1f} s")
        machine = machine_info(client)
        started = datetime.now(timezone.utc)
        results = serve_and_load(args, data_dir, client)
    except (BenchError, OSError, http.client.HTTPException) as error:
        print(f"bench-web: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench-web: interrupted; everything it started is stopped", file=sys.stderr)
        return 130
    document = {
        "benchmark": "web", "started_at": started.isoformat(timespec="seconds"),
        "machine": machine,
        "settings": {"connections": args.connections, "threads": args.threads,
                     "workers": args.workers, "warmup_seconds": args.warmup,
                     "duration_seconds": args.duration, "timeout": args.timeout,
                     "client": client, "ratio": "page req/s ÷ mean of the hello-world runs "
                     "before and after the pages"},
        "data": {**{k: v for k, v in info.items() if k != "import_chunks"},
                 "reused_cache": reused, "data_dir": str(data_dir),
                 "setup_seconds_before_serving": round(setup_seconds, 2),
                 "import_chunks": info.get("import_chunks")},
        "needs": args.needs,
        "import_seconds": info.get("import_seconds"),
        "import_needs_per_second": info.get("import_needs_per_second"),
        **results,
    }
    document["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print_table(results)
    print(f"\nimport: {args.needs:,} needs, {info.get('import_seconds')} s, "
          f"{info.get('import_needs_per_second')} needs/s; results: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
