"""Measure `make serve`'s edit-to-reload time: from an edited file to the changed page being served.

    python scripts/serve_reload.py [--factor N | --catalog DIR] [--repeat R] [--timeout S]

Copies the project (the package, the adapter, docs/, overrides/, mkdocs.yml and the repository files the
site reads) into a temporary folder, with the real catalogue (``--factor 1``), a synthetic one N times
larger (scripts/synth_catalog.py) or ``--catalog DIR`` as its ``catalog/``, and starts ``mkdocs serve`` on
it as ``make serve`` does, the copy's ``src/`` first on the import path. Then, R times, it edits one file of
each kind and polls the page that shows the edit until the server answers with it:

- a rule file of the catalogue (its ``service``: the rule's page),
- a page template (``rule.md.j2``: every rule page),
- a module under ``src/`` (``HEATMAP_MAX`` in ``site/pages.py``: the overlap page's caption),
- an asset (``docs/assets/conformap.css``).

Each edit waits for the server to be idle (its log has ended every build it began). Two times are taken
from the write: until the page is served with the edit (MkDocs writes pages one by one, so a page can be
served before the build ends), and until the rebuild ends, when MkDocs tells the browser to reload: the
edit-to-reload time. Prints one line per edit and the best and worst reload time per kind; exits 1 when an
edit is not served within ``--timeout`` seconds or the server stops. Nothing outside the temporary folder changes.
tests/test_serve.py runs it on the mini catalogue, without looking at the times.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What `mkdocs serve` reads from the project (mkdocs.yml's watch list, docs_dir and theme.custom_dir, and pyproject.toml,
# which tells conformap.paths that the copy is a clone whose catalog/ is the default catalogue).
COPIED = ["mkdocs.yml", "pyproject.toml", "CONTRIBUTING.md", "NOTICE.md", "docs", "overrides", "schema", "scripts/gen_pages.py", "src/conformap"]
RULE = "restricted-ssh"


class NotServed(Exception):
    """An edit that the server did not show in time, or a server that stopped."""


def copy_project(dest: Path, catalog: Path) -> Path:
    for rel in COPIED:
        src, out = ROOT / rel, dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, out, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, out)
    shutil.copytree(catalog, dest / "catalog")
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(proc: subprocess.Popen, url: str, text: str, timeout: float) -> float:
    """Seconds until ``url`` answers with ``text`` in it (polled every 50 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise NotServed(f"the server stopped (exit status {proc.returncode}) before {url} showed {text!r}")
        body = _get(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise NotServed(f"{url} did not show {text!r} within {timeout:.0f} s")


# What MkDocs' server logs when it begins a rebuild, and when it ends one and tells the browsers to reload (the
# first build, before the server answers, logs neither).
_BEGUN, _ENDED = "Detected file changes", "Reloading browsers"


def _builds(log_path: Path) -> tuple[int, int]:
    """(rebuilds begun, rebuilds ended) so far, from the server's log."""
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return text.count(_BEGUN), text.count(_ENDED)


def _wait_idle(proc: subprocess.Popen, log_path: Path, after: int, timeout: float) -> float:
    """Seconds until ``after`` rebuilds have ended and none is running."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise NotServed(f"the server stopped (exit status {proc.returncode})")
        begun, ended = _builds(log_path)
        if ended >= after and ended >= begun:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise NotServed(f"no build ended within {timeout:.0f} s")


def start_server(project: Path, port: int, log) -> subprocess.Popen:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", PYTHONPATH=str(project / "src"), PYTHONDONTWRITEBYTECODE="1")  # as `make serve`
    env.pop("CONFORMAP_CATALOG", None)  # the copy's catalog/, as `make serve` in a clone
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def _replace(file: Path, pattern: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    changed, n = re.subn(pattern, new, text, count=1, flags=re.M)
    if n != 1:
        raise SystemExit(f"{file}: nothing matches {pattern!r}")
    file.write_text(changed, encoding="utf-8")


def edits(project: Path, url: str, rule: str):
    """(kind, edit function of the round number, page URL, text the page shows once the edit is served)."""
    rule_file = project / "catalog" / "rules" / f"{rule}.yaml"
    template = project / "src/conformap/site/templates/rule.md.j2"
    module = project / "src/conformap/site/pages.py"
    css = project / "docs/assets/conformap.css"
    rule_url = f"{url}rules/{rule}/"
    return [
        ("rule file", lambda n: _replace(rule_file, r"^(service: .*?)( edited-\d+)?$", rf"\1 edited-{n}"), rule_url, lambda n: f"edited-{n}"),
        ("template", lambda n: template.write_text(re.sub(r"\n?Template edit \d+\.\n$", "", template.read_text(encoding="utf-8")) + f"\nTemplate edit {n}.\n", encoding="utf-8"),
         rule_url, lambda n: f"Template edit {n}."),
        ("src module", lambda n: _replace(module, r"^HEATMAP_MAX = \d+", f"HEATMAP_MAX = {n + 1}"), f"{url}overlap/", lambda n: f"Only the first {n + 1} questions are drawn."),
        ("asset", lambda n: css.write_text(css.read_text(encoding="utf-8") + f"/* edit {n} */\n", encoding="utf-8"), f"{url}assets/conformap.css", lambda n: f"/* edit {n} */"),
    ]


def measure(catalog: Path, repeat: int, timeout: float, rule: str = RULE) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="conformap-serve-") as tmp:
        project = copy_project(Path(tmp) / "project", catalog)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        log_path = Path(tmp) / "serve.log"
        with open(log_path, "wb") as log:
            proc = start_server(project, port, log)
            try:
                first = _wait_for(proc, f"{url}rules/{rule}/", "<h1", timeout)  # the server answers once the first build ended
                print(f"first build served after {first:.2f} s", flush=True)
                for n in range(1, repeat + 1):
                    for kind, edit, page, shown in edits(project, url, rule):
                        body = _get(page) or ""
                        if shown(n) in body:
                            raise SystemExit(f"{page} shows {shown(n)!r} before the edit")
                        time.sleep(1.1)  # the watcher's debounce: one edit per rebuild
                        _wait_idle(proc, log_path, 0, timeout)
                        ended = _builds(log_path)[1]
                        edit(n)
                        served = _wait_for(proc, page, shown(n), timeout)
                        reload = served + _wait_idle(proc, log_path, ended + 1, timeout)
                        times.setdefault(kind, []).append(reload)
                        print(f"{kind:<10} round {n}: served {served:.2f} s, reload {reload:.2f} s", flush=True)
            except NotServed as exc:
                log.flush()
                print(f"not served: {exc}\n--- mkdocs serve output (last lines) ---", file=sys.stderr)
                print("\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]), file=sys.stderr)
                raise SystemExit(1) from None
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--factor", type=int, default=1, help="the real catalogue (1) or a synthetic one this many times larger")
    which.add_argument("--catalog", type=Path, help="this catalogue instead")
    parser.add_argument("--rule", default=RULE, help="the rule whose file and page are edited and read")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="conformap-synth-") as tmp:
        if args.catalog:
            catalog = args.catalog.resolve()
        elif args.factor == 1:
            catalog = ROOT / "catalog"
        else:
            sys.path.insert(0, str(ROOT / "scripts"))
            from synth_catalog import synthesize  # lazy: only for a synthetic catalogue

            catalog = synthesize(args.factor, Path(tmp) / "catalog")
        times = measure(catalog, args.repeat, args.timeout, args.rule)
    for kind, values in times.items():
        print(f"{kind:<10} reload best {min(values):.2f} s, worst {max(values):.2f} s ({len(values)} edits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
