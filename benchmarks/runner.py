"""benchmarks/run: Accord at UN scale on PostgreSQL, every figure against its budget.

    benchmarks/run [--quick] [--workers N] [--threads N] [--duration 10s] [--reset-data]

1. prepares the PostgreSQL database `accord_bench` (created if missing, migrated, the UN-scale data
   generated once and reused afterwards);
2. times, in this process and on the same data, the redline first → last version in all six
   languages, the XLSX matrices of all 10,000 comments and the sealed 193-signature PDF (warm);
3. serves Accord with gunicorn and production settings (DEBUG off, ManifestStaticFilesStorage,
   persistent connections) and drives each page with wrk at 16 connections, next to the bare view
   /healthz/ measured in the same run, so pages read as ratios;
4. prints every figure against its budget and exits 1 when one fails.

The machine's two cores are shared by gunicorn, wrk and PostgreSQL; see docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/accord_bench"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/15"
LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]

# Budgets from issue #7 (2-core machine, UN scale).
# Idle seconds before each budgeted page and each bare-view run (see drain()).
SETTLE_S = 10.0
DECLARATION_MIN_RATIO = 0.25
DECLARATION_MAX_P99_MS = 250.0
REDLINE_MAX_S = 0.5
XLSX_MAX_S = 3.0
PDF_CHROMIUM_RATIO = 2.0  # the submission PDF: at most twice Chromium printing the same HTML
# Accord's own ceiling for what the issue names without a number (docs/performance.md).
WORKER_MAX_RSS_MB = 600.0


@dataclass
class Result:
    name: str
    value: str
    budget: str
    ok: bool | None  # None: reported, no budget


def _env(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "ACCORD_TESTING": "0",
            "SECRET_KEY": args.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CONN_MAX_AGE": "600",
            "STATIC_ROOT": static_root,
            # Generated signature images live next to the database they belong to.
            "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    # As docker-compose runs it: a Redis cache shared by the workers, sessions read from it.
    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    if cache_url and _redis_answers(cache_url):
        env.update({"CACHE_URL": cache_url, "CACHE_KEY_PREFIX": f"accord-bench-{os.getpid()}"})
    else:
        env.pop("CACHE_URL", None)
        print(f"WARNING: no Redis at {cache_url or '(none)'}: each worker caches for itself, sessions in PostgreSQL")
    return env


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def _manage(env: dict[str, str], *argv: str, settings: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [PYTHON, "manage.py", *argv]
    if settings:
        cmd += ["--settings", settings]
    return subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=True)


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{what} failed")


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist (the server must be running)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def analyze(url: str) -> None:
    """Planner statistics for the bulk-loaded data, as autovacuum keeps them in production.

    Some servers run with autovacuum off (this machine's did): without statistics PostgreSQL plans
    every page's queries from default estimates.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def prepare(env: dict[str, str], *, reset: bool) -> None:
    ensure_database(env["DATABASE_URL"])
    _check(_manage(env, "migrate", "--noinput", "-v0"), "migrate")
    started = time.monotonic()
    argv = ["generate_scale_data", *(["--reset"] if reset else [])]
    result = _manage(env, *argv)
    _check(result, "generate_scale_data")
    print(result.stdout.strip().splitlines()[-1], f"({time.monotonic() - started:.0f} s)")
    analyze(env["DATABASE_URL"])
    result = _manage(env, "collectstatic", "--noinput", "-v0")
    if result.returncode != 0:
        # See benchmarks/staticfiles.py: the production storage refuses a vendored file today.
        print("WARNING: production collectstatic failed:", result.stderr.strip().splitlines()[-1][:200])
        print("         collecting with benchmarks.staticfiles.ManifestWithoutSourceMaps instead")
        _check(
            _manage(env, "collectstatic", "--noinput", "-v0", settings="benchmarks.collect_settings"), "collectstatic"
        )


# --- in-process timings -----------------------------------------------------------------------


def _timed(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> tuple[float, float]:
    """Median wall and CPU seconds of `fn` after `warmup` calls."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def engine_timings(args: argparse.Namespace) -> list[Result]:
    import django

    django.setup()
    from django.db import connection

    from benchmarks.scale_data import SLUG
    from consultations.matrix import matrix_xlsx
    from consultations.models import Comment, CommentRound
    from declarations.models import DeclarationVersion
    from declarations.redline import diff_documents_all

    results: list[Result] = []
    repeat = 1 if args.quick else 3

    versions = DeclarationVersion.objects.filter(declaration__slug=SLUG).order_by("number")
    first_number = versions.values_list("number", flat=True).first()
    last_number = versions.values_list("number", flat=True).last()
    assert first_number is not None and last_number is not None, "generate_scale_data first"

    def redline_all_languages() -> None:
        # Both frozen versions read once, then the redline in each of the six languages (the
        # per-document matching done once, the texts diffed per language).
        old = versions.only("snapshot").get(number=first_number).snapshot
        new = versions.only("snapshot").get(number=last_number).snapshot
        diffs = diff_documents_all(old, new, LANGUAGES)
        assert list(diffs) == LANGUAGES

    wall, cpu = _timed(redline_all_languages, repeat=repeat)
    print(f"  redline: {wall:.3f} s", flush=True)
    results.append(
        Result(
            f"redline v{first_number}→v{last_number}, 400 clauses x 6 languages",
            f"{wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)",
            f"< {REDLINE_MAX_S * 1000:.0f} ms",
            wall < REDLINE_MAX_S,
        )
    )

    rounds = list(CommentRound.objects.filter(declaration__slug=SLUG).select_related("version", "declaration"))
    exported = Comment.objects.filter(round__in=rounds).exclude(status=Comment.Status.DRAFT).count()

    def all_matrices() -> None:
        for round_ in rounds:
            # A fresh round object per export, as each request loads one.
            fresh = CommentRound.objects.select_related("version", "declaration").get(pk=round_.pk)
            matrix_xlsx(fresh)

    wall, cpu = _timed(all_matrices, repeat=repeat)
    print(f"  XLSX: {wall:.3f} s", flush=True)
    results.append(
        Result(
            f"XLSX matrices, {exported:,} comments in {len(rounds)} rounds",
            f"{wall:.2f} s (CPU {cpu:.2f} s)",
            f"< {XLSX_MAX_S:.0f} s",
            wall < XLSX_MAX_S,
        )
    )

    results.append(pdf_timing(args, repeat=repeat, last_number=last_number))
    connection.close()
    return results


def pdf_timing(args: argparse.Namespace, *, repeat: int, last_number: int) -> Result:
    """The submission PDF (193 signatures) through the documents app's own read + render + seal path.

    Every run is cold: nothing of a document is kept between renders (docs/pdf.md). The budget is
    relative: at most twice as long as Chromium printing the same HTML in a fresh process, measured
    right after (benchmarks/pdf.py compares the two in more detail).
    """
    from benchmarks.chromium import chromium_html, chromium_print
    from benchmarks.scale_data import SLUG
    from declarations.models import DeclarationVersion
    from documents import selectors as doc_selectors
    from documents.compose import produce_pdf
    from documents.models import Kind
    from documents.sealing import generate_dev_certificate, signer_from_pem_files

    version = DeclarationVersion.objects.select_related("declaration").get(declaration__slug=SLUG, number=last_number)
    languages = doc_selectors.default_languages(version.declaration, version)
    layout = doc_selectors.default_layout(languages)
    data = doc_selectors.document_data(version=version, kind=Kind.SUBMISSION, languages=languages, layout=layout)
    with tempfile.TemporaryDirectory() as tmp:
        signer = signer_from_pem_files(*generate_dev_certificate(Path(tmp)))

        def issue() -> None:
            # document_issue() would return the PDF already registered for the same inputs, so the
            # benchmark runs what it runs on a miss: read everything, render, check, seal.
            fresh = doc_selectors.document_data(
                version=version, kind=Kind.SUBMISSION, languages=languages, layout=layout
            )
            produce_pdf(fresh, images=doc_selectors.signature_images(fresh), signer=signer)

        wall, cpu = _timed(issue, repeat=repeat)
        html = chromium_html(data, doc_selectors.signature_images(data))
        chromium = [t for t in (chromium_print(html, Path(tmp)) for _ in range(repeat)) if t is not None]
    signatures = len(data.signatures)
    name = f"submission PDF, {signatures} signatures, {'+'.join(languages)} {layout} (cold)"
    if not chromium:
        return Result(name, f"{wall:.2f} s (CPU {cpu:.2f} s); Chromium not found", "2x Chromium", False)
    reference = statistics.median(chromium)
    return Result(
        name,
        f"{wall:.2f} s (CPU {cpu:.2f} s); Chromium --print-to-pdf {reference:.2f} s ({wall / reference:.2f}x)",
        f"<= {PDF_CHROMIUM_RATIO:.0f}x Chromium",
        wall <= PDF_CHROMIUM_RATIO * reference,
    )


# --- the server -------------------------------------------------------------------------------


def session_cookie(username: str) -> str:
    """A logged-in session for `username`, written where the server reads sessions (database, cache)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    user = get_user_model().objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "config.auth_backend.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    # A logged-in browser also holds the CSRF cookie: the login form set it. Without it, every
    # request would make a new CSRF secret and cookie, as only a browser's very first visit does.
    import string

    from django.utils.crypto import get_random_string

    csrf_secret = get_random_string(32, string.ascii_letters + string.digits)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"


def page_urls() -> dict[str, str]:
    from benchmarks.scale_data import SLUG
    from consultations.models import Comment, CommentRound
    from declarations.models import DeclarationVersion

    numbers = list(DeclarationVersion.objects.filter(declaration__slug=SLUG).values_list("number", flat=True))
    last_round = CommentRound.objects.filter(declaration__slug=SLUG).order_by("-number").first()
    assert last_round is not None
    clause_comment = (
        Comment.objects.filter(round=last_round, kind=Comment.Kind.PROPOSED_TEXT).order_by("number").first()
    )
    assert clause_comment is not None
    base = f"/d/{SLUG}"
    return {
        "declaration text (secretariat, editing tools)": f"{base}/",
        "declaration text (party reader)": f"{base}/?lang=fr",
        "clause with its comments": f"{base}/rounds/{last_round.number}/comments/{clause_comment.pk}/",
        "round tracker (rounds)": f"{base}/rounds/",
        "round page (comments, tracker)": f"{base}/rounds/{last_round.number}/",
        "comment matrix XLSX": f"{base}/rounds/{last_round.number}/matrix.xlsx",
        "redline first→last (compare)": f"{base}/compare/?from={min(numbers)}&to={max(numbers)}",
        "signing status board": f"{base}/signing/",
        "dashboard": "/",
    }


def run_pages(args: argparse.Namespace, env: dict[str, str]) -> list[Result]:
    import django

    django.setup()
    from django.db import connection

    from benchmarks import load
    from benchmarks.scale_data import SLUG, secretariat_username

    cookie = session_cookie(secretariat_username(SLUG))
    # A participant reads the same text without the secretariat's editing tools (a third of the bytes).
    reader_cookie = session_cookie(f"{SLUG[:40]}-state-001.focal")
    urls = page_urls()
    connection.close()

    load.PORT = args.port
    load.DURATION = args.duration
    server_env = {**env, "BENCH_WORKERS": str(args.workers), "BENCH_THREADS": str(args.threads)}
    proc = load.start_gunicorn(server_env)
    results: list[Result] = []
    try:
        origin = f"http://127.0.0.1:{args.port}"

        def warm(name: str, url: str) -> None:
            for _ in range(args.workers * args.threads):
                headers = {"Cookie": reader_cookie if "party" in name else cookie}
                request = urllib.request.Request(origin + url, headers=headers)  # noqa: S310 - our own server
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own server
                    response.read()

        # Warm every worker: templates compiled, connections open, caches filled.
        for name, url in [("bare", "/healthz/"), *urls.items()]:
            warm(name, url)
        settle = 3.0 if args.quick else SETTLE_S
        drain(origin, settle_s=settle)
        bare_before = load.run_wrk("bare view /healthz/", origin + "/healthz/", None)
        print(f"  {bare_before.name}: {_figures(bare_before)}", flush=True)
        figures = {}
        # A budgeted page is compared with the bare view measured right before and right after
        # it: on a shared host the machine's speed drifts within minutes (docs/performance.md).
        adjacent: dict[str, tuple[load.Figures, load.Figures]] = {}
        extra_bare: list[load.Figures] = []
        last_bare = bare_before
        for name, url in urls.items():
            drain(origin, settle_s=settle if _budgeted(name) else 0.0)
            if _budgeted(name):
                # A page body first rendered more than a minute ago is rendered once more on its next
                # request, once per edit (declarations/page_cache.py): that happens here, not
                # inside the measurement of the steady state.
                warm(name, url)
            figures[name] = load.run_wrk(name, origin + url, reader_cookie if "party" in name else cookie)
            print(f"  {name}: {_figures(figures[name])}", flush=True)
            if _budgeted(name):
                drain(origin, settle_s=settle)
                after = load.run_wrk(f"bare view /healthz/ (after {name})", origin + "/healthz/", None)
                print(f"  {after.name}: {_figures(after)}", flush=True)
                adjacent[name] = (last_bare, after)
                extra_bare.append(after)
                last_bare = after
        # The same pages for a client that does not take gzip (reported, no budget).
        for name, url in list(urls.items())[:2]:
            drain(origin)
            plain = f"{name}, uncompressed"
            figures[plain] = load.run_wrk(
                plain, origin + url, reader_cookie if "party" in name else cookie, accept_encoding=None
            )
            print(f"  {plain}: {_figures(figures[plain])}", flush=True)
        drain(origin, settle_s=settle)
        bare_after = load.run_wrk("bare view /healthz/ (again)", origin + "/healthz/", None)
        peak = load.worker_peak_rss_mb(proc)
    finally:
        load.stop(proc)

    bare_rps = (bare_before.rps + bare_after.rps) / 2
    for bare in (bare_before, bare_after):
        results.append(
            Result(bare.name, _figures(bare), "reference (mean of first and last)", None if not bare.errors else False)
        )
    for bare in extra_bare:
        ok_bare = None if not bare.errors else False
        results.append(Result(bare.name, _figures(bare), "reference (next to a page)", ok_bare))
    for name, fig in figures.items():
        ok: bool | None
        if _budgeted(name):
            before, after = adjacent[name]
            reference = (before.rps + after.rps) / 2
            ratio = fig.rps / reference if reference else 0.0
            overall = fig.rps / bare_rps if bare_rps else 0.0
            text = f"{_figures(fig)}, {ratio:.0%} of the bare view next to it ({overall:.0%} of first and last)"
            # The lower of the two counts: a bare run slowed by the host must not flatter the page.
            ok = min(ratio, overall) >= DECLARATION_MIN_RATIO and fig.p99_ms < DECLARATION_MAX_P99_MS and not fig.errors
            budget = f"≥ {DECLARATION_MIN_RATIO:.0%} of bare, p99 < {DECLARATION_MAX_P99_MS:.0f} ms"
        else:
            ratio = fig.rps / bare_rps if bare_rps else 0.0
            text = f"{_figures(fig)}, {ratio:.0%} of bare"
            # The issue sets no throughput budget for these pages: only errors fail them.
            ok = False if fig.errors else None
            budget = "no errors (figures reported)"
        results.append(Result(name, text, budget, ok))
    results.append(
        Result(
            "gunicorn worker peak memory (VmHWM)",
            f"{peak:.0f} MB",
            f"< {WORKER_MAX_RSS_MB:.0f} MB",
            peak < WORKER_MAX_RSS_MB,
        )
    )
    return results


def _budgeted(name: str) -> bool:
    """The pages with a throughput budget: the declaration text, as the secretariat and as a reader."""
    return name.startswith("declaration text") and not name.endswith("uncompressed")


def drain(origin: str, *, limit_s: float = 120.0, settle_s: float = 0.0) -> None:
    """Wait until requests left queued by the previous wrk run are served (wrk stops, gunicorn does not).

    With `settle_s`, then wait that long idle: after a long run of the declaration page the server
    is slower for a second or two (measured: the bare view at ~1,500 instead of ~4,200 requests/s
    in the first second after 8 s of the page, back to normal after a pause), so a budgeted page
    and the bare view it is compared with are both measured from a settled server.
    """
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(origin + "/healthz/", timeout=limit_s) as response:  # noqa: S310 - our server
            response.read()
        if time.perf_counter() - started < 0.05:
            break
        time.sleep(0.2)
    time.sleep(settle_s)


def _figures(fig: object) -> str:
    from benchmarks.load import Figures

    assert isinstance(fig, Figures)
    errors = f", {fig.errors} errors" if fig.errors else ""
    return f"{fig.rps:7.1f} req/s  p50 {fig.p50_ms:6.1f} ms  p99 {fig.p99_ms:6.1f} ms{errors}"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    load1 = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, load average {load1:.2f} at start, "
        f"CPU speed: {calibration():.2f} s for 5M Python additions"
    )


def calibration() -> float:
    """Seconds one core takes for a fixed pure-Python loop: machines of one kind differ by 3x."""
    started = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 s wrk runs and single timings (CI smoke).")
    parser.add_argument("--duration", default=None, help="wrk duration per page (default 10s, --quick 3s).")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "4")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8765")))
    parser.add_argument("--reset-data", action="store_true", help="Generate the UN-scale data again.")
    parser.add_argument("--skip-engine", action="store_true", help="Only the pages (redline/XLSX/PDF skipped).")
    args = parser.parse_args(argv)
    args.duration = args.duration or ("3s" if args.quick else "10s")
    args.secret_key = secrets.token_urlsafe(50)

    print(f"Accord benchmark — {machine()}")
    print(
        f"gunicorn: {args.workers} workers x {args.threads} threads (gthread); "
        f"wrk: 2 threads, 16 connections, {args.duration}"
    )
    with tempfile.TemporaryDirectory(prefix="accord-static-") as static_root:
        env = _env(args, static_root)
        os.environ.update(env)
        prepare(env, reset=args.reset_data)
        results: list[Result] = []
        if not args.skip_engine:
            results += engine_timings(args)
        results += run_pages(args, env)

    width = max(len(r.name) for r in results)
    print()
    print(f"{'figure':<{width}}  {'measured':<70}  {'budget':<40}  result")
    for r in results:
        verdict = "—" if r.ok is None else ("PASS" if r.ok else "FAIL")
        print(f"{r.name:<{width}}  {r.value:<70}  {r.budget:<40}  {verdict}")
    failed = [r for r in results if r.ok is False]
    print()
    print("ALL BUDGETS HOLD" if not failed else f"{len(failed)} BUDGET(S) MISSED: " + ", ".join(r.name for r in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
