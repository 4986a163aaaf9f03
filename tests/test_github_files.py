"""The files contributors meet: GitHub workflows and forms, pre-commit hooks, editor settings, CONTRIBUTING.md.

Workflows and issue forms are validated with check-jsonschema's vendored schemas, which ship inside
the package: the runs below point every proxy at a closed port, so a download would fail the test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

import conformap
from conformap import paths
from conformap.cli import build_parser

ROOT = paths.PROJECT_ROOT
GITHUB = ROOT / ".github"
BIN = Path(sys.executable).parent
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


def check_jsonschema(builtin: str, *files: Path) -> subprocess.CompletedProcess:
    if not CHECK_JSONSCHEMA.exists():
        pytest.fail(f"{CHECK_JSONSCHEMA} not found; run `make install` (check-jsonschema is pinned in requirements.lock)")
    env = {**os.environ, **OFFLINE}
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", builtin, *map(str, files)], capture_output=True, text=True, env=env, timeout=120
    )


def load_yaml(path: Path):
    # GitHub's YAML is 1.2: `on:` stays a string key there. PyYAML (1.1) would read it as True.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12ishLoader)


class _Yaml12ishLoader(yaml.SafeLoader):
    pass


_Yaml12ishLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12ishLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))


def test_workflows_exist():
    assert [w.name for w in WORKFLOWS] == ["pages.yml", "pr.yml", "release.yml"]


@pytest.mark.slow  # runs check-jsonschema in a fresh process
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_workflow_schema(workflow):
    for builtin in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        res = check_jsonschema(builtin, workflow)
        assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.slow  # runs check-jsonschema in a fresh process
def test_the_schema_check_really_rejects_a_bad_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    res = check_jsonschema("vendor.github-workflows", bad)
    assert res.returncode == 1 and "stepz" in res.stdout


@pytest.mark.slow  # runs check-jsonschema in a fresh process
def test_issue_form_and_config_match_their_schemas():
    for form in ("mapping-correction.yml", "rule-proposal.yml"):
        res = check_jsonschema("vendor.github-issue-forms", GITHUB / "ISSUE_TEMPLATE" / form)
        assert res.returncode == 0, form + res.stdout + res.stderr
    res = check_jsonschema("vendor.github-issue-config", GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert res.returncode == 0, res.stdout + res.stderr


def _steps(workflow: Path, job: str) -> list[dict]:
    return load_yaml(workflow)["jobs"][job]["steps"]


def test_pr_workflow_runs_the_checks():
    wf = load_yaml(GITHUB / "workflows" / "pr.yml")
    assert list(wf["on"]) == ["pull_request"]
    steps = wf["jobs"]["check"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    runs = "\n".join(s.get("run", "") for s in steps)
    checkout = steps[uses.index("actions/checkout@v4")]
    assert checkout["with"]["fetch-depth"] == 0
    setup = steps[uses.index("actions/setup-python@v5")]
    assert setup["with"]["python-version"] == "3.11"
    for command in (
        "make install",
        ".venv/bin/conformap validate --format github",
        ".venv/bin/conformap fmt --check",
        "make test",
        "make build",
        'conformap diff "origin/$BASE_REF" HEAD >> "$GITHUB_STEP_SUMMARY"',
        "apt-get install -y chromium",
    ):
        assert command in runs, command
    diff_step = next(s for s in steps if "conformap diff" in s.get("run", ""))
    assert diff_step["env"]["BASE_REF"] == "${{ github.base_ref }}"  # not interpolated into the script
    upload = steps[uses.index("actions/upload-artifact@v4")]
    assert upload["with"]["path"] == "site/"
    order = [runs.index(c) for c in ("make install", "conformap validate", "conformap fmt --check", "make test", "make build")]
    assert order == sorted(order)
    assert wf["permissions"] == {"contents": "read"}


def test_pr_workflow_reports_every_kind_of_problem_in_one_push():
    steps = yaml.safe_load((GITHUB / "workflows" / "pr.yml").read_text())["jobs"]["check"]["steps"]
    ids = [s.get("id") for s in steps]
    assert "install" in ids
    after_install = steps[ids.index("install") + 1:]
    assert len(after_install) >= 6
    for step in after_install:  # a failing validate must not skip fmt, diff, tests and build
        assert "!cancelled()" in step.get("if", ""), step["name"]


def test_pages_workflow_deploys_from_main():
    wf = load_yaml(GITHUB / "workflows" / "pages.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    uses = [s.get("uses", "") for s in build["steps"]]
    assert "actions/configure-pages@v5" in uses and "actions/upload-pages-artifact@v3" in uses
    assert any("make build" in s.get("run", "") for s in build["steps"])
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["steps"][0]["id"] == "deployment"


def test_release_workflow_tags_and_publishes_a_new_version_only():
    wf = load_yaml(GITHUB / "workflows" / "release.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"}
    build, pypi, release = wf["jobs"]["build"], wf["jobs"]["pypi"], wf["jobs"]["github-release"]
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    assert 'git tag -l "v$version"' in runs and "make dist" in runs and "tests/test_install.py" in runs
    # Every step after the version check runs only for a new version; so do the other jobs.
    after = build["steps"][[s.get("id") for s in build["steps"]].index("version") + 1 :]
    assert after and all(s["if"] == "steps.version.outputs.new == 'true'" for s in after)
    assert pypi["if"] == release["if"] == "needs.build.outputs.new == 'true'"
    # Trusted publishing: an OIDC token in the `pypi` environment, no stored secret.
    assert pypi["environment"]["name"] == "pypi" and pypi["permissions"] == {"id-token": "write"}
    assert [s["uses"] for s in pypi["steps"]][-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert "secrets." not in (GITHUB / "workflows" / "release.yml").read_text(encoding="utf-8")
    # The tag comes last, once PyPI has the version: a failed upload leaves no tag, so a re-run retries it.
    assert release["needs"] == ["build", "pypi"] and release["permissions"] == {"contents": "write"}
    create = release["steps"][-1]["run"]
    assert 'gh release create "v$VERSION" release-assets/*' in create and '--target "$GITHUB_SHA"' in create


def test_contributing_says_what_a_maintainer_sets_up_for_releases():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index("## Releasing a version") :]
    for needed in ("trusted publisher", "conformap/conformap", "release.yml", "`pypi`"):
        assert needed in section, needed


@pytest.mark.scenario
def test_issue_form_asks_for_rule_question_problem_and_evidence():
    form = load_yaml(GITHUB / "ISSUE_TEMPLATE" / "mapping-correction.yml")
    fields = {b["id"]: b for b in form["body"] if "id" in b}
    for required in ("rule", "question", "problem", "evidence"):
        assert fields[required]["validations"]["required"] is True, required
    # The site's pages prefill rule and question from the URL, which GitHub does for input fields (not
    # reliably for dropdowns): the question is an id typed in, and the form lists the valid ones.
    assert fields["rule"]["type"] == fields["question"]["type"] == "input"
    cat = conformap.load()
    ids = [c.id for c in cat.controls]
    assert re.findall(r"\bSEC-\d+\b", fields["question"]["attributes"]["description"]) == ids  # in step with the catalogue
    listing = next(b for b in form["body"] if b["type"] == "markdown" and "SEC-1:" in b["attributes"]["value"])
    assert re.findall(r"^- (SEC-\d+: .*)$", listing["attributes"]["value"], re.M) == [f"{c.id}: {c.question}" for c in cat.controls]
    order = [b.get("id") for b in form["body"]]
    assert order.index("rule") < order.index("question") < order.index("problem") < order.index("evidence")


def test_pull_request_template_has_its_sections():
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for heading in ("## What changed", "## Evidence", "## Checklist"):
        assert heading in text
    assert text.count("- [ ] ") >= 5


# --------------------------------------------------------------------------------------------
# pre-commit and the editor.


@pytest.mark.slow  # runs the hooks' commands in a fresh process
def test_local_pre_commit_hooks_pass_on_the_catalogue():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    assert set(hooks) == {"conformap-fmt", "conformap-validate"}
    tracked = [p.relative_to(ROOT).as_posix() for p in (ROOT / "catalog").rglob("*") if p.is_file()]
    tracked += [p.relative_to(ROOT).as_posix() for p in (ROOT / "schema").glob("*")]
    for hook in hooks.values():
        assert hook["language"] == "system"
        argv = shlex.split(hook["entry"])
        assert argv[0] == ".venv/bin/conformap"
        files = [f for f in tracked if re.search(hook["files"], f)]
        assert files, hook["id"]
        if hook["id"] == "conformap-fmt":
            assert all(f.endswith(".yaml") for f in files) and len(files) == 140
        args = argv[1:] + ([] if hook.get("pass_filenames") is False else files)
        res = subprocess.run([str(BIN / "conformap"), *args], cwd=ROOT, capture_output=True, text=True)
        assert res.returncode == 0, (hook["id"], res.stdout[-2000:], res.stderr[-2000:])
    assert "--check" in hooks["conformap-fmt"]["entry"]


def test_hooks_offered_to_other_repositories():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"conformap-validate", "conformap-fmt"}
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001 - argparse has no public accessor
    for hook in hooks.values():
        assert hook["language"] == "python"
        prog, sub = hook["entry"].split()[:2]
        assert prog == "conformap" and sub in commands
    assert re.search(hooks["conformap-fmt"]["files"], "catalog/rules/restricted-ssh.yaml")
    assert re.search(hooks["conformap-fmt"]["files"], "data/controls/SEC-1.yaml")
    assert not re.search(hooks["conformap-fmt"]["files"], "catalog/sources/aws-page.txt")
    assert not re.search(hooks["conformap-fmt"]["files"], ".github/workflows/pr.yml")


@pytest.mark.scenario
def test_vscode_maps_every_catalogue_file_to_its_schema():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())
    schemas = settings["yaml.schemas"]
    for schema in schemas:
        assert (ROOT / schema).is_file(), schema
    expected = {"framework": "framework.schema.json", "control": "control.schema.json", "rule": "rule.schema.json", "errata": "errata.schema.json"}
    from conformap.fmt.files import catalogue_files
    from conformap.load.files import entry_for

    for file in catalogue_files(paths.DEFAULT_CATALOG):
        rel = file.relative_to(ROOT).as_posix()
        matches = [s for s, glob in schemas.items() if any(fnmatch(rel, g) for g in ([glob] if isinstance(glob, str) else glob))]
        assert len(matches) == 1, rel
        assert Path(matches[0]).name == expected[entry_for(file).kind]
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text())
    assert "redhat.vscode-yaml" in extensions["recommendations"]


# --------------------------------------------------------------------------------------------
# CONTRIBUTING.md


def _properties(schema: dict) -> set[str]:
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            found.update(node.get("properties", {}))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    return found


@pytest.mark.parametrize("kind", ["rule", "control", "errata"])
def test_contributing_names_every_field_of_the_schema(kind):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    schema = json.loads((paths.SCHEMA_DIR / paths.SCHEMAS[kind]).read_text())
    missing = sorted(p for p in _properties(schema) if f"`{p}`" not in text)
    assert missing == []


def test_contributing_states_the_enums_of_the_schema():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rule = json.loads((paths.SCHEMA_DIR / "rule.schema.json").read_text())
    errata = json.loads((paths.SCHEMA_DIR / "errata.schema.json").read_text())
    enums = (
        rule["properties"]["kind"]["enum"]
        + rule["properties"]["trigger"]["enum"]
        + rule["properties"]["parameters"]["items"]["properties"]["type"]["enum"]
        + errata["properties"]["errata"]["items"]["properties"]["kind"]["enum"]
    )
    assert [e for e in enums if f"`{e}`" not in text] == []
