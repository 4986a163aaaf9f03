"""conformap as installed from its wheel: the catalogue travels inside it, and every command works with no clone.

The slow tests build the sdist and the wheel once per session (``python -m build --no-isolation``: the
pinned setuptools of .venv, no download) and install the wheel into a fresh virtual environment with only
its runtime dependencies. Those come from ``.venv/wheelhouse``, the runtime dependencies' wheels that
``make install`` downloads beside the pinned environment (see the Makefile): pip installs with
``--no-index`` and no configuration file, so the test needs no network and sees none of the developer's
tools. Each command then runs twice from empty temporary folders, once installed and once from the
checkout, and the two must give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

import conformap
from conformap import cli, paths

ROOT = paths.PROJECT_ROOT
CATALOG = ROOT / "catalog"
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
PACKAGED = "conformap/catalog_data/"  # where the wheel carries catalog/ (pyproject.toml's package-dir)

# Every command a user runs on the packaged catalogue, as arguments of `conformap`; OUT stands for a
# folder the command writes into (its files are compared too). A new command that reads the catalogue
# (or a fixture under tests/fixtures/, named by absolute path) is one more entry here.
OUT = "out"
INSTALLED_COMMANDS: dict[str, list[str | Path]] = {
    "validate": ["validate"],
    "export-aws-text": ["export", "--format", "aws-text"],
    "export-json": ["export", "--format", "json"],
    "export-csv": ["export", "--format", "csv"],
    "export-conformance-pack-SEC-8": ["export", "--format", "conformance-pack", "--control", "SEC-8"],
    "export-conformance-pack-statement": ["export", "--format", "conformance-pack", "--statement", "SEC-3.BP07"],
    "export-conformance-pack-all": ["export", "--format", "conformance-pack", "--all", "--out", OUT],
    "export-oscal-catalog": ["export", "--format", "oscal-catalog"],
    "export-oscal-component-definition": ["export", "--format", "oscal-component-definition"],
    "export-oscal-mapping-collection": ["export", "--format", "oscal-mapping-collection"],
    "export-xlsx": ["export", "--format", "xlsx", "--out", f"{OUT}/mappings.xlsx"],
    "posture-report": ["posture", "report", ROOT / "tests" / "fixtures" / "posture" / "main", "--format", "json"],
}


def framework() -> dict:
    return yaml.safe_load((CATALOG / paths.FRAMEWORK_FILE).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- fast: one version, defaults, README


def test_the_catalogue_version_is_the_package_version():
    """One version per release: the package's (conformap.__version__, which pyproject.toml reads) is the catalogue's."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "conformap.__version__"}
    assert framework()["version"] == conformap.__version__


def test_version_names_the_package_and_the_catalogue(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    fw = framework()
    assert capsys.readouterr().out.splitlines() == [
        f"conformap {conformap.__version__}",
        f"catalogue: {fw['id']} {fw['version']} (released {fw['released']}), source captured {fw['source']['captured']}",
        f"catalogue folder: {CATALOG}",
    ]


def test_a_clone_reads_its_own_catalogue():
    assert paths.IN_CLONE and paths.DEFAULT_CATALOG == CATALOG


@pytest.fixture
def installed_layout(monkeypatch, tmp_path):
    """This process as if conformap were installed from a wheel whose catalogue is ``tmp_path/catalog_data``."""
    monkeypatch.setattr(paths, "IN_CLONE", False)
    monkeypatch.setattr(paths, "DEFAULT_CATALOG", tmp_path / "catalog_data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_installation_without_its_catalogue_says_so(installed_layout, capsys):
    (installed_layout / "catalog").mkdir()  # ./catalog is never read
    assert cli.main(["export", "--format", "csv"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "carries no catalogue" in err and "--catalog DIR" in err
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "catalogue: none (" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["fmt"], ["import-aws-page", "page.txt"]], ids=["fmt", "import-aws-page"])
def test_writing_commands_leave_the_installed_catalogue_alone(installed_layout, capsys, argv):
    (installed_layout / "catalog_data").mkdir()
    assert cli.main(argv) == 2
    assert "outside a clone of conformap, give" in capsys.readouterr().err


@pytest.mark.scenario
def test_catalog_option_wins_over_the_default(installed_layout, capsys):
    assert cli.main(["validate", "--catalog", str(CATALOG)]) == 0
    assert "181 mappings" in capsys.readouterr().err


def test_every_package_of_the_source_tree_is_packaged():
    """pyproject.toml lists packages by hand (two of them are mapped from schema/ and catalog/): a package under
    src/conformap/ that the list forgets is left out of the wheel, and the installed command line breaks."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    src = ROOT / "src"
    found = {".".join(p.parent.relative_to(src).parts) for p in (src / "conformap").rglob("__init__.py")}
    assert found - listed == set()


def test_readme_links_work_on_pypi():
    """PyPI shows README.md without the repository around it: relative links and images would break."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)", text) + re.findall(r"""(?:src|href)=["']([^"']+)""", text)
    assert targets, "the README links somewhere"
    assert [t for t in targets if not t.startswith("https://")] == []


# ---------------------------------------------------------------- slow: the wheel, installed


def catalogue_differences(wheel: Path) -> list[str]:
    """How the catalogue inside ``wheel`` differs from the checkout's catalog/ (file set and SHA-256 of each)."""
    ours = {p.relative_to(CATALOG).as_posix(): p.read_bytes() for p in CATALOG.rglob("*") if p.is_file() and not p.name.startswith(".")}
    with zipfile.ZipFile(wheel) as z:
        theirs = {n[len(PACKAGED) :]: z.read(n) for n in z.namelist() if n.startswith(PACKAGED) and not n.endswith("/")}
    problems = [f"missing from the wheel: {n}" for n in sorted(ours.keys() - theirs.keys())]
    problems += [f"only in the wheel: {n}" for n in sorted(theirs.keys() - ours.keys())]
    problems += [f"differs: {n}" for n in sorted(ours.keys() & theirs.keys()) if hashlib.sha256(ours[n]).digest() != hashlib.sha256(theirs[n]).digest()]
    return problems


def _run(cmd: list, *, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, timeout=timeout)


def _hermetic_pip_env() -> dict:
    """pip without the network's configuration: no config file, no PIP_* settings (index, find-links, constraints)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return env | {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel of the checkout (the wheel is built from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    res = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT], cwd=out)
    assert res.returncode == 0, res.stdout.decode()[-3000:] + res.stderr.decode()[-3000:]
    return out


@pytest.fixture(scope="session")
def wheel(dist) -> Path:
    (found,) = dist.glob("conformap-*.whl")
    return found


@pytest.fixture(scope="session")
def venv_bin(tmp_path_factory, wheel) -> Path:
    """A fresh virtual environment holding the wheel and its runtime dependencies, nothing else."""
    if not any(WHEELHOUSE.glob("*.whl")):
        pytest.fail(f"{WHEELHOUSE}: no wheels of the runtime dependencies; run `rm -f .venv/.installed-* && make install`")
    venv = tmp_path_factory.mktemp("venv") / "env"
    res = _run([sys.executable, "-m", "venv", venv], cwd=venv.parent)
    assert res.returncode == 0, res.stderr.decode()
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--no-index", "--find-links", WHEELHOUSE, wheel]
    res = _run(pip, cwd=venv.parent, env=_hermetic_pip_env())
    assert res.returncode == 0, res.stdout.decode()[-3000:] + res.stderr.decode()[-3000:]
    return venv / "bin"


@pytest.mark.slow
def test_the_wheel_carries_the_catalogue_of_the_checkout(wheel):
    assert catalogue_differences(wheel) == []


@pytest.mark.slow
def test_a_missing_or_stale_packaged_catalogue_is_caught(wheel, tmp_path):
    """The comparison above names a file left out of the wheel and a file that changed since it was built."""
    tampered = tmp_path / wheel.name
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            if item.filename == PACKAGED + "rules/s3-bucket-public-read-prohibited.yaml":
                continue
            data = src.read(item)
            dst.writestr(item, data + b"# older\n" if item.filename == PACKAGED + "framework.yaml" else data)
    assert catalogue_differences(tampered) == [
        "missing from the wheel: rules/s3-bucket-public-read-prohibited.yaml",
        "differs: framework.yaml",
    ]


@pytest.mark.slow
def test_the_sdist_carries_the_catalogue_and_the_notices(dist):
    import tarfile

    (sdist,) = dist.glob("conformap-*.tar.gz")
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    expected = {p.relative_to(ROOT).as_posix() for p in CATALOG.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert expected - names == set()
    assert {"LICENSE", "NOTICE.md", "README.md", "pyproject.toml"} <= names


@pytest.mark.slow
def test_the_wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        info = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = z.read(info).decode("utf-8")
        licences = {n.rsplit("/", 1)[1] for n in z.namelist() if ".dist-info/licenses/" in n}
    headers = meta.split("\n\n", 1)[0]
    assert f"Version: {conformap.__version__}\n" in headers
    assert "License-Expression: Apache-2.0\n" in headers
    assert licences == {"LICENSE", "NOTICE.md"}
    assert "Description-Content-Type: text/markdown" in headers
    runtime = sorted(re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)[^;\n]*$", headers, flags=re.M))
    assert runtime == ["Jinja2", "MarkupSafe", "XlsxWriter", "botocore", "jsonschema", "networkx", "orjson", "pyyaml"]
    assert 'Requires-Dist: boto3>=1.34; extra == "aws"' in headers
    assert 'Requires-Dist: mkdocs<2,>=1.6; extra == "site"' in headers


@pytest.mark.slow
def test_the_environment_has_only_the_runtime_dependencies(venv_bin, tmp_path):
    res = _run([venv_bin / "python", "-m", "pip", "check"], cwd=tmp_path, env=_hermetic_pip_env())
    assert res.returncode == 0, res.stdout.decode()
    for absent in ("mkdocs", "pytest", "boto3", "openpyxl"):
        res = _run([venv_bin / "python", "-c", f"import {absent}"], cwd=tmp_path)
        assert res.returncode == 1 and b"ModuleNotFoundError" in res.stderr, absent


def _both(venv_bin: Path, argv: list, tmp_path: Path):
    """Run ``conformap ARGV`` installed and from the checkout, each in an empty folder of its own."""
    results = []
    for side in ("installed", "checkout"):
        here = tmp_path / side
        here.mkdir()
        exe = [venv_bin / "conformap"] if side == "installed" else [sys.executable, "-m", "conformap.cli"]
        res = _run(exe + argv, cwd=here)
        # Messages name files by their place on disk, which differs: the catalogue folder becomes one word.
        folder = str(_packaged_folder(venv_bin) if side == "installed" else CATALOG).encode()
        res.stdout, res.stderr = res.stdout.replace(folder, b"CATALOGUE"), res.stderr.replace(folder, b"CATALOGUE")
        written = {p.relative_to(here).as_posix(): p.read_bytes() for p in here.rglob("*") if p.is_file()}
        results.append((res, written))
    return results


def _packaged_folder(venv_bin: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return venv_bin.parent.resolve() / "lib" / version / "site-packages" / "conformap" / "catalog_data"


@pytest.mark.slow
def test_installed_version_from_an_empty_folder(venv_bin, tmp_path):
    (installed, _), (checkout, _) = _both(venv_bin, ["--version"], tmp_path)
    assert installed.returncode == checkout.returncode == 0
    lines, ours = installed.stdout.decode().splitlines(), checkout.stdout.decode().splitlines()
    assert lines == ours and lines[0] == f"conformap {conformap.__version__}"
    assert lines[2] == "catalogue folder: CATALOGUE"


@pytest.mark.slow
@pytest.mark.parametrize("argv", list(INSTALLED_COMMANDS.values()), ids=list(INSTALLED_COMMANDS))
def test_installed_commands_give_the_checkouts_output(venv_bin, tmp_path, argv):
    (installed, files), (checkout, ours) = _both(venv_bin, argv, tmp_path)
    assert installed.returncode == checkout.returncode == 0, installed.stderr.decode() + checkout.stderr.decode()
    assert installed.stdout == checkout.stdout
    assert installed.stderr == checkout.stderr
    assert files.keys() == ours.keys() and files == ours
    assert installed.stdout or installed.stderr or files, "the command said or wrote something"


@pytest.mark.slow
def test_installed_csv_export_has_every_mapping(venv_bin, tmp_path):
    """The issue's acceptance check: from an empty folder, `conformap export --format csv` prints 181 mappings."""
    res = _run([venv_bin / "conformap", "export", "--format", "csv"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    rows = list(csv.reader(io.StringIO(res.stdout.decode("utf-8"), newline="")))
    assert len(rows) == 1 + 181


@pytest.mark.slow
def test_installed_site_and_downloads_carry_the_notice(venv_bin, tmp_path):
    """Installed from the wheel, there is no clone's NOTICE.md: the Notice page and the downloads' NOTICE.txt come
    from the copy in the distribution's .dist-info (the catalogue's sources require their attribution)."""
    res = _run([venv_bin / "conformap", "render-site", tmp_path / "docs"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    notice = (ROOT / "NOTICE.md").read_bytes()
    assert (tmp_path / "docs" / "notice.md").read_bytes() == notice
    assert (tmp_path / "docs" / "downloads" / "licenses" / "NOTICE.txt").read_bytes() == notice
