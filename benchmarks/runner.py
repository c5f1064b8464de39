"""benchmarks/run: Accord at UN scale on PostgreSQL, every figure against its budget.

    benchmarks/run [--quick] [--workers N] [--threads N] [--duration 10s] [--reset-data]
                   [--skip-engine] [--only TEXT ...]

1. prepares the PostgreSQL database `accord_bench` (created if missing, migrated, the UN-scale data
   generated once and reused afterwards);
2. times, in this process and on the same data, the redline first → last version in all six
   languages, the XLSX matrices of all 10,000 comments and the sealed 193-signature PDF (warm);
3. serves Accord with gunicorn and production settings (DEBUG off, ManifestStaticFilesStorage,
   psycopg's connection pool) and drives every page a user opens with wrk at 16 connections
   (benchmarks/pages.py), next to the bare view /healthz/ measured in the same run;
4. prints every figure against its budget and exits 1 when one fails.

The machine's two cores are shared by gunicorn, wrk and PostgreSQL; see docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.pages import Result, run_pages

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # the venv that started benchmarks/run
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/accord_bench"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/15"
LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]

# Budgets of the jobs (issues #7 and #19, 2-core machine, UN scale); the pages' are in pages.py.
REDLINE_MAX_S = 0.5
XLSX_MAX_S = 3.0
PDF_CHROMIUM_RATIO = 2.0  # the submission PDF: at most twice Chromium printing the same HTML
# Accord's own ceiling for what the issue names without a number (docs/performance.md).
WORKER_MAX_RSS_MB = 600.0


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
            # Production settings refuse to start without the site's address (config/settings.py).
            "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1"),
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": static_root,
            # Generated signature images live next to the database they belong to.
            "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    # Production settings refuse to start without a seal: a fresh machine has none, so the benchmark
    # server gets a development seal of its own (kept with the benchmark's data), unless one is named.
    if "ACCORD_SEAL_KEY_FILE" not in os.environ and "ACCORD_SEAL_PKCS12_FILE" not in os.environ:
        from documents.sealing import generate_dev_certificate

        key, cert = generate_dev_certificate(ROOT / "var" / "bench" / "seal", common_name="Accord benchmark seal")
        env.update({"ACCORD_SEAL_KEY_FILE": str(key), "ACCORD_SEAL_CERT_FILE": str(cert)})
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
    results += inprocess_costs(args)
    connection.close()
    return results


def inprocess_costs(args: argparse.Namespace) -> list[Result]:
    """CPU and queries per request of every page in this process (reported: the load figures follow)."""
    from benchmarks.inprocess import page_costs

    results = []
    for cost in page_costs(quick=args.quick):
        value = f"CPU {cost.cpu_ms:.1f} ms, {cost.queries} queries (HTTP {cost.status})"
        print(f"  in one process: {cost.name}: {value}", flush=True)
        results.append(Result(f"in one process: {cost.name}", value, "reported", None))
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
    parser.add_argument(
        "--only", action="append", metavar="TEXT", help="Only the pages whose name contains TEXT (repeatable)."
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed: `make bench` installs it (as root on Debian/Ubuntu), or apt-get install wrk"
        )
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
