"""``conformap diff``: one edit per case on a copy of tests/fixtures/diff/base, expected output written by hand."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.markdown_text import shown
from support.pagegen import resnapshot

import conformap
from conformap import cli
from conformap.site.changes import changes_markdown
from conformap.compare.engine import compare, word_diff
from conformap.compare.report import render_json, render_markdown

BASE = Path(__file__).resolve().parent / "fixtures" / "diff" / "base"
BASE_SHA = re.search(r"sha256: ([0-9a-f]{64})", (BASE / "framework.yaml").read_text(encoding="utf-8")).group(1)


def snapshot_changed(head: Path) -> str:
    """The report's line for a page that changed (the fixture's snapshot follows its files)."""
    new = re.search(r"sha256: ([0-9a-f]{64})", (head / "framework.yaml").read_text(encoding="utf-8")).group(1)
    return f"- `source.sha256`: `{BASE_SHA}` → `{new}`\n"


def edited(tmp_path: Path, edits: dict[str, tuple[str, str] | None] = {}, renames: dict[str, str] = {}, name: str = "head") -> Path:
    """A copy of the base fixture with text replacements (old, new) per file, files renamed, or removed (None)."""
    head = tmp_path / name
    shutil.copytree(BASE, head)
    for rel, edit in edits.items():
        file = head / rel
        if edit is None:
            file.unlink()
            continue
        old, new = edit
        text = file.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    for old_rel, new_rel in renames.items():
        (head / old_rel).rename(head / new_rel)
    if "sources/page.txt" not in edits:
        resnapshot(head)  # the fixture's page says what its edited files say, as a re-imported page would
    return head


def run_diff(head: Path) -> dict:
    return compare(conformap.load(BASE), conformap.load(head), "base", "head")


MAPPING_ADDED = {
    "rules/restricted-ssh.yaml": (
        "    source_rows: [4]\n",
        "    source_rows: [4]\n"
        "  - control: SEC-2\n"
        "    statement: SEC-2.desc\n"
        "    rationale: Open SSH is *remote* access to [hosts] <sic> | more.\n",
    )
}


def test_mapping_added_markdown(tmp_path):
    result = run_diff(edited(tmp_path, MAPPING_ADDED))
    assert shown(render_markdown(result)) == shown(
        "## Catalogue changes\n"
        "\n"
        "Comparing `base` with `head`.\n"
        "\n"
        "### Mappings added\n"
        "\n"
        "- `restricted-ssh` → SEC-2 / `SEC-2.desc`; rationale: Open SSH is \\*remote\\* access to \\[hosts\\] &lt;sic&gt; &#124; more.\n"
        "\n"
        "### Statistics\n"
        "\n"
        "- Rules per question: SEC-2: 1 → 2\n"
        "- Overlap (rules supporting both questions): SEC-2/SEC-3: 1 → 2\n"
        "- Rules exclusive to one question: SEC-3: 1 → 0 (−`restricted-ssh`)\n"
        "- Rules by number of questions: 1 question: 3 → 2; 2 questions: 1 → 2\n"
        "- Totals: mappings: 5 → 6; shared rules: 1 → 2; exclusive rules: 3 → 2\n"
    )


def test_mapping_added_json(tmp_path):
    result = json.loads(render_json(run_diff(edited(tmp_path, MAPPING_ADDED))))
    assert result == {
        "base": "base",
        "head": "head",
        "initial": False,
        "changed": True,
        "controls": {"added": [], "removed": [], "changed": []},
        "rules": {"added": [], "removed": [], "renamed": []},
        "mappings": {
            "added": [
                {
                    "rule": "restricted-ssh",
                    "control": "SEC-2",
                    "statement": "SEC-2.desc",
                    "source_rows": [],
                    "printed_statement": None,
                    "rationale": "Open SSH is *remote* access to [hosts] <sic> | more.",
                }
            ],
            "removed": [],
            "changed": [],
        },
        "guidance": [],
        "rule_metadata": [],
        "errata": {"added": [], "removed": [], "changed": []},
        "framework": {},
        "renumbered": {"summary": None, "mappings": [], "errata": []},
        "statistics": {
            "totals": {
                "mappings": {"old": 5, "new": 6},
                "shared_rules": {"old": 1, "new": 2},
                "exclusive_rules": {"old": 3, "new": 2},
            },
            "rules_per_control": {"SEC-2": {"old": 1, "new": 2}},
            "overlap": {"SEC-2/SEC-3": {"old": 1, "new": 2}},
            "exclusive_rules": {"SEC-3": {"old": 1, "new": 0, "gained": [], "lost": ["restricted-ssh"]}},
            "rules_by_question_count": {"1": {"old": 3, "new": 2}, "2": {"old": 1, "new": 2}},
        },
    }


def test_mapping_removed(tmp_path):
    """The page drops its last row (no other row moves): the mapping it stated goes."""
    head = edited(
        tmp_path,
        {"rules/security-account-information-provided.yaml": ("mappings:\n  - control: SEC-1\n    statement: SEC-1.desc\n    source_rows: [5]\n", "mappings: []\n")},
    )
    result = run_diff(head)
    assert shown(render_markdown(result)) == shown(
        "## Catalogue changes\n"
        "\n"
        "Comparing `base` with `head`.\n"
        "\n"
        "### Mappings removed\n"
        "\n"
        "- `security-account-information-provided` → SEC-1 / `SEC-1.desc` (source rows 5)\n"
        "\n"
        "### Framework changed\n"
        "\n"
        + snapshot_changed(head)
        + "- `source.rows`: `5` → `4`\n"
        "\n"
        "### Statistics\n"
        "\n"
        "- Rules per question: SEC-1: 2 → 1\n"
        "- Rules exclusive to one question: SEC-1: 2 → 1 (−`security-account-information-provided`)\n"
        "- Rules by number of questions: 0 questions: 0 → 1; 1 question: 3 → 2\n"
        "- Totals: mappings: 5 → 4; exclusive rules: 3 → 2\n"
    )
    assert result["mappings"]["removed"] == [
        {"rule": "security-account-information-provided", "control": "SEC-1", "statement": "SEC-1.desc", "source_rows": [5], "printed_statement": None, "rationale": None}
    ]


def test_guidance_changed_is_a_word_diff(tmp_path):
    head = edited(tmp_path, {"rules/restricted-ssh.yaml": ("help you\n  restricting", "helps you restrict")})
    result = run_diff(head)
    assert shown(render_markdown(result)) == shown(
        "## Catalogue changes\n"
        "\n"
        "Comparing `base` with `head`.\n"
        "\n"
        "### Guidance changed\n"
        "\n"
        "- `restricted-ssh`: … from 0.0.0.0/0 to port 22 on your resources ~~help~~ **helps** you ~~restricting~~ **restrict** remote access.\n"
        "\n"
        "### Framework changed\n"
        "\n" + snapshot_changed(head)
    )
    assert result["guidance"] == [
        {
            "rule": "restricted-ssh",
            "old": "Not allowing ingress (or remote) traffic from 0.0.0.0/0 to port 22 on your resources help you restricting remote access.",
            "new": "Not allowing ingress (or remote) traffic from 0.0.0.0/0 to port 22 on your resources helps you restrict remote access.",
            "words": [
                ["=", "Not allowing ingress (or remote) traffic from 0.0.0.0/0 to port 22 on your resources"],
                ["-", "help"],
                ["+", "helps"],
                ["=", "you"],
                ["-", "restricting"],
                ["+", "restrict"],
                ["=", "remote access."],
            ],
        }
    ]


def test_guidance_markup_is_escaped(tmp_path):
    head = edited(tmp_path, {"rules/cloudtrail-enabled.yaml": ("recording AWS", "recording *all* <b>AWS</b> [x](y) `z` ~~")})
    line = render_markdown(run_diff(head)).splitlines()[6]
    assert line == (
        "- `cloudtrail-enabled`: AWS CloudTrail can help in non\\-repudiation by recording ~~AWS~~ "
        "**\\*all\\* &lt;b&gt;AWS&lt;/b&gt; \\[x\\]\\(y\\) \\`z\\` &#126;&#126;** Management Console actions and API calls\\."
    )


def test_rules_renamed(tmp_path):
    head = edited(
        tmp_path,
        {
            "rules/restricted-ssh.yaml": ("id: restricted-ssh\n", "id: restricted-ssh-v2\n"),
            "rules/security-account-information-provided.yaml": (
                "id: security-account-information-provided\n",
                "id: security-contact-provided\n",
            ),
            "errata.yaml": ("      - restricted-ssh\n", "      - restricted-ssh-v2\n"),
        },
        renames={
            "rules/restricted-ssh.yaml": "rules/restricted-ssh-v2.yaml",
            "rules/security-account-information-provided.yaml": "rules/security-contact-provided.yaml",
        },
    )
    result = run_diff(head)
    assert shown(render_markdown(result)) == shown(
        "## Catalogue changes\n"
        "\n"
        "Comparing `base` with `head`.\n"
        "\n"
        "### Rules renamed\n"
        "\n"
        "- `restricted-ssh` → `restricted-ssh-v2` (same identifier)\n"
        "- `security-account-information-provided` → `security-contact-provided` (same guidance)\n"
        "\n"
        "### Errata changed\n"
        "\n"
        "- E1\n"
        '  - `rules`: `["restricted-ssh"]` → `["restricted-ssh-v2"]`\n'
        "\n"
        "### Framework changed\n"
        "\n" + snapshot_changed(head)
    )
    assert result["rules"] == {
        "added": [],
        "removed": [],
        "renamed": [
            {"old": "restricted-ssh", "new": "restricted-ssh-v2", "by": "identifier"},
            {"old": "security-account-information-provided", "new": "security-contact-provided", "by": "guidance"},
        ],
    }
    assert result["mappings"] == {"added": [], "removed": [], "changed": []}
    assert result["statistics"]["exclusive_rules"] == {}


def test_no_change(tmp_path):
    result = run_diff(edited(tmp_path))
    assert shown(render_markdown(result)) == "## Catalogue changes\n\nComparing `base` with `head`.\n\nNo catalogue changes.\n"
    assert result["changed"] is False


def test_layout_only_changes_are_no_changes(tmp_path):
    head = edited(
        tmp_path,
        {
            "rules/restricted-ssh.yaml": ("kind: managed\nidentifier: INCOMING_SSH_DISABLED\n", "identifier: INCOMING_SSH_DISABLED  # odd one\nkind: managed\n"),
            "framework.yaml": ("# yaml-language-server: $schema=../schema/framework.schema.json\n", ""),
        },
    )
    assert shown(render_markdown(run_diff(head))).endswith("\nNo catalogue changes.\n")


def test_metadata_controls_errata_and_mapping_details(tmp_path):
    head = edited(
        tmp_path,
        {
            "rules/access-keys-rotated.yaml": ("default: '90'", "default: '60'"),
            "rules/cloudtrail-enabled.yaml": ("service: AWS CloudTrail\n", "service: AWS CloudTrail Lake\n"),
            "rules/restricted-ssh.yaml": ("source_rows: [4]", "source_rows: [4, 5]"),
            "rules/security-account-information-provided.yaml": ("source_rows: [5]", "rationale: Contact details reach the security team.\n    source_rows: [6]"),
            "framework.yaml": ("rows: 5", "rows: 6"),
            "errata.yaml": (
                "errata:\n",
                "errata:\n"
                "  - id: E2\n"
                "    kind: text\n"
                "    title: A_made_up erratum\n"
                "    source_shows: Something.\n"
                "    catalogue_does: Nothing.\n"
                "    reason: Testing.\n",
            ),
        },
    )
    (head / "controls" / "SEC-4.yaml").write_text(
        "id: SEC-4\nnumber: 4\nquestion: How do you detect and investigate security events?\nin_source: false\nstatements: []\n",
        encoding="utf-8",
    )
    result = run_diff(head)
    assert shown(render_markdown(result)) == shown(
        "## Catalogue changes\n"
        "\n"
        "Comparing `base` with `head`.\n"
        "\n"
        "### Mappings changed\n"
        "\n"
        "- `restricted-ssh` → SEC-3 / `SEC-3.BP02`\n"
        "  - `source_rows`: `[4]` → `[4, 5]`\n"
        "- `security-account-information-provided` → SEC-1 / `SEC-1.desc`\n"
        "  - `source_rows`: `[5]` → `[6]`\n"
        "  - `rationale`: (none) → `Contact details reach the security team.`\n"
        "\n"
        "### Rule metadata changed\n"
        "\n"
        "- `access-keys-rotated`\n"
        "  - `parameters[maxAccessKeyAge].default`: `90` → `60`\n"
        "- `cloudtrail-enabled`\n"
        "  - `service`: `AWS CloudTrail` → `AWS CloudTrail Lake`\n"
        "\n"
        "### Controls added\n"
        "\n"
        "- SEC-4: How do you detect and investigate security events?\n"
        "\n"
        "### Errata added\n"
        "\n"
        "- E2: A\\_made\\_up erratum\n"
        "\n"
        "### Framework changed\n"
        "\n"
        + snapshot_changed(head)
        + "- `source.rows`: `5` → `6`\n"
        "\n"
        "### Statistics\n"
        "\n"
        "- Totals: controls: 3 → 4\n"
    )


def row_dropped(tmp_path: Path) -> Path:
    """The base fixture re-imported from a page without its row 1 (access-keys-rotated's SEC-2 row).

    Rows 2 to 5 become rows 1 to 4: three rules' mappings, the other access-keys-rotated mapping and
    the erratum's row move, though none of them says anything new.
    """
    head = edited(
        tmp_path,
        {
            "rules/access-keys-rotated.yaml": (
                "  - control: SEC-2\n    statement: SEC-2.desc\n    source_rows: [1]\n"
                "  - control: SEC-3\n    statement: SEC-3.BP01\n    source_rows: [2]\n",
                "  - control: SEC-3\n    statement: SEC-3.BP01\n    source_rows: [1]\n",
            ),
            "rules/cloudtrail-enabled.yaml": ("source_rows: [3]", "source_rows: [2]"),
            "rules/restricted-ssh.yaml": ("source_rows: [4]", "source_rows: [3]"),
            "rules/security-account-information-provided.yaml": ("source_rows: [5]", "source_rows: [4]"),
            "errata.yaml": ("source_rows: [4]", "source_rows: [3]"),
            "framework.yaml": ("rows: 5", "rows: 4"),
        },
    )
    return head  # edited() wrote the page without the row


def test_renumbered_rows_are_one_line_after_the_real_change(tmp_path):
    head = row_dropped(tmp_path)
    result = run_diff(head)
    assert shown(render_markdown(result)) == shown(
        "## Catalogue changes\n"
        "\n"
        "Comparing `base` with `head`.\n"
        "\n"
        "### Mappings removed\n"
        "\n"
        "- `access-keys-rotated` → SEC-2 / `SEC-2.desc` (source rows 1)\n"
        "\n"
        "### Framework changed\n"
        "\n"
        + snapshot_changed(head)
        +
        "- `source.rows`: `5` → `4`\n"
        "\n"
        "### Source rows renumbered\n"
        "\n"
        "- Source rows renumbered in 4 mappings and 1 erratum (the page lost 1 row: 5 → 4); no other change in them.\n"
        "\n"
        "### Statistics\n"
        "\n"
        "- Rules per question: SEC-2: 1 → 0\n"
        "- Overlap (rules supporting both questions): SEC-2/SEC-3: 1 → 0\n"
        "- Rules exclusive to one question: SEC-3: 1 → 2 (+`access-keys-rotated`)\n"
        "- Rules by number of questions: 1 question: 3 → 4; 2 questions: 1 → 0\n"
        "- Totals: controls mapped: 3 → 2; mappings: 5 → 4; shared rules: 1 → 0; exclusive rules: 3 → 4\n"
    )
    data = json.loads(render_json(result))
    assert data["mappings"]["changed"] == [] and data["errata"]["changed"] == []
    assert data["renumbered"] == {
        "summary": "source rows renumbered in 4 mappings and 1 erratum (the page lost 1 row: 5 → 4)",
        "mappings": [
            {"rule": "access-keys-rotated", "control": "SEC-3", "statement": "SEC-3.BP01", "source_rows": {"old": [2], "new": [1]}},
            {"rule": "cloudtrail-enabled", "control": "SEC-1", "statement": "SEC-1.desc", "source_rows": {"old": [3], "new": [2]}},
            {"rule": "restricted-ssh", "control": "SEC-3", "statement": "SEC-3.BP02", "source_rows": {"old": [4], "new": [3]}},
            {
                "rule": "security-account-information-provided",
                "control": "SEC-1",
                "statement": "SEC-1.desc",
                "source_rows": {"old": [5], "new": [4]},
            },
        ],
        "errata": [{"id": "E1", "source_rows": {"old": [4], "new": [3]}}],
    }


def test_renumbering_alone_is_still_a_change(tmp_path):
    """Rows that only move (the same page in another order) are summarised, not lost."""
    head = edited(
        tmp_path,
        {
            "rules/cloudtrail-enabled.yaml": ("source_rows: [3]", "source_rows: [5]"),
            "rules/security-account-information-provided.yaml": ("source_rows: [5]", "source_rows: [3]"),
        },
    )
    result = run_diff(head)
    assert result["changed"] is True
    assert result["mappings"] == {"added": [], "removed": [], "changed": []}
    assert shown(render_markdown(result)).endswith(
        "### Source rows renumbered\n\n"
        "- Source rows renumbered in 2 mappings (rows moved on the page, which has 5 rows as before); no other change in them.\n"
    )


def test_from_nothing_is_a_summary():
    result = compare(None, conformap.load(BASE), "(nothing)", "v1")
    assert result["initial"] is True
    assert shown(render_markdown(result, title="v1", compare_line=False)) == shown(
        "## v1\n\nInitial catalogue: 3 controls (3 mapped), 4 rules, 5 mappings, 1 erratum.\n"
    )
    assert [m["rule"] for m in result["mappings"]["added"]] == [
        "access-keys-rotated",
        "access-keys-rotated",
        "cloudtrail-enabled",
        "restricted-ssh",
        "security-account-information-provided",
    ]


def test_word_diff_units():
    assert word_diff("a b c", "a x c") == [["=", "a"], ["-", "b"], ["+", "x"], ["=", "c"]]
    assert word_diff("same", "same") == [["=", "same"]]


# --------------------------------------------------------------------------------------------
# The command line and git revisions.


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def git_env(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.com")
    return monkeypatch


def _commit(repo: Path, message: str, date: str, git_env) -> None:
    git_env.setenv("GIT_AUTHOR_DATE", date)
    git_env.setenv("GIT_COMMITTER_DATE", date)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path, git_env) -> Path:
    """A project with two tagged releases: v0.1.0 (the base fixture) and v0.2.0 (one mapping added)."""
    root = tmp_path / "project"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("project\n")
    _commit(root, "start", "2024-01-01T12:00:00+00:00", git_env)
    shutil.copytree(BASE, root / "catalog")
    _commit(root, "catalogue", "2024-02-01T12:00:00+00:00", git_env)
    _git(root, "tag", "v0.1.0")
    mapped = edited(tmp_path, MAPPING_ADDED, name="v2")
    shutil.copy(mapped / "rules" / "restricted-ssh.yaml", root / "catalog" / "rules" / "restricted-ssh.yaml")
    _commit(root, "map restricted-ssh to SEC-2", "2024-03-01T12:00:00+00:00", git_env)
    _git(root, "tag", "v0.2.0")
    return root


@pytest.mark.scenario
def test_cli_between_revisions_and_working_tree(repo, capsys):
    catalog = str(repo / "catalog")
    assert cli.main(["diff", "v0.1.0", "v0.2.0", "--catalog", catalog]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Catalogue changes\n\nComparing `v0.1.0 (")
    assert "### Mappings added\n\n- `restricted-ssh` → SEC-2 / `SEC-2.desc`; rationale: Open SSH is" in shown(out)

    assert cli.main(["diff", "v0.2.0", "--catalog", catalog]) == 0  # HEAD: the working tree
    assert capsys.readouterr().out.endswith("with `working tree`.\n\nNo catalogue changes.\n")

    assert cli.main(["diff", "main~2", "HEAD", "--catalog", catalog, "--format", "json"]) == 0  # no catalogue yet
    data = json.loads(capsys.readouterr().out)
    assert data["initial"] is True and data["rules"]["added"] == [
        "access-keys-rotated",
        "cloudtrail-enabled",
        "restricted-ssh",
        "security-account-information-provided",
    ]


def test_cli_bad_revision_is_a_clear_error(repo, capsys):
    assert cli.main(["diff", "no-such-rev", "--catalog", str(repo / "catalog")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformap diff: 'no-such-rev' is neither a catalogue folder nor a git revision of ")
    assert "Traceback" not in err


@pytest.mark.scenario
def test_cli_bad_revision_subprocess_has_no_traceback(tmp_path):
    exe = Path(sys.executable).parent / "conformap"
    assert exe.exists(), "the conformap script is not installed beside this Python; run `make install`"
    res = subprocess.run([str(exe), "diff", "definitely/not-a-rev", str(tmp_path / "missing")], capture_output=True, text=True)
    assert res.returncode == 2
    assert res.stdout == ""
    assert "conformap diff: 'definitely/not-a-rev' is neither a catalogue folder nor a git revision" in res.stderr
    assert "Traceback" not in res.stderr


def test_invalid_catalogue_is_a_clear_error(tmp_path, capsys):
    head = edited(tmp_path, {"rules/restricted-ssh.yaml": ("control: SEC-3\n", "control: SEC-99\n")})
    assert cli.main(["diff", str(BASE), str(head)]) == 2
    err = capsys.readouterr().err
    assert "does not validate" in err and "unknown control 'SEC-99'" in err and "Traceback" not in err


def test_changes_per_release(repo):
    page = changes_markdown(repo)
    assert shown(page) == shown(
        "# Changes per release\n"
        "\n"
        "Each release (git tag), newest first, with what changed in the catalogue since the release before it.\n"
        "\n"
        "## v0.2.0 (2024-03-01)\n"
        "\n"
        "Comparing `v0.1.0` with `v0.2.0`.\n"
        "\n"
        "### Mappings added\n"
        "\n"
        "- `restricted-ssh` → SEC-2 / `SEC-2.desc`; rationale: Open SSH is \\*remote\\* access to \\[hosts\\] &lt;sic&gt; &#124; more.\n"
        "\n"
        "### Statistics\n"
        "\n"
        "- Rules per question: SEC-2: 1 → 2\n"
        "- Overlap (rules supporting both questions): SEC-2/SEC-3: 1 → 2\n"
        "- Rules exclusive to one question: SEC-3: 1 → 0 (−`restricted-ssh`)\n"
        "- Rules by number of questions: 1 question: 3 → 2; 2 questions: 1 → 2\n"
        "- Totals: mappings: 5 → 6; shared rules: 1 → 2; exclusive rules: 3 → 2\n"
        "\n"
        "## v0.1.0 (2024-02-01)\n"
        "\n"
        "Initial catalogue: 3 controls (3 mapped), 4 rules, 5 mappings, 1 erratum.\n"
    )


def test_changes_per_release_orders_versions_not_names(repo, git_env):
    _git(repo, "tag", "v0.10.0")  # same commit as v0.2.0: sorts after it as a version, before it as text
    page = changes_markdown(repo)
    page = shown(page)
    assert page.index("## v0.10.0") < page.index("## v0.2.0") < page.index("## v0.1.0")
    assert "## v0.10.0 (2024-03-01)\n\nComparing `v0.2.0` with `v0.10.0`.\n\nNo catalogue changes.\n" in shown(page)


def test_changes_per_release_without_tags_or_history(tmp_path, git_env):
    plain = tmp_path / "plain"
    plain.mkdir()
    assert changes_markdown(plain) == (
        "# Changes per release\n\nNo git history is available in this build, so the changes per release cannot be listed.\n"
    )
    _git(plain, "init", "-q")
    assert changes_markdown(plain) == (
        "# Changes per release\n\n"
        "No release has been tagged yet. Each release (git tag) will be listed here with what changed since the one before.\n"
    )


def test_changes_per_release_of_this_project_does_not_fail():
    assert changes_markdown().startswith("# Changes per release\n\n")


def test_html_marks_for_renderers_without_strikethrough(tmp_path):
    """The site's Python-Markdown has no ~~ extension, so changes_markdown marks words with <del>/<ins>."""
    head = edited(tmp_path, {"rules/cloudtrail-enabled.yaml": ("recording AWS", "recording *all* AWS")})
    text = shown(render_markdown(run_diff(head), style="html"))
    assert "- `cloudtrail-enabled`: AWS CloudTrail can help in non-repudiation by recording <ins>*all*</ins> AWS Management Console actions and API calls.\n" in text
    head = edited(tmp_path, {"rules/cloudtrail-enabled.yaml": ("by recording", "by")}, name="head2")
    assert "non-repudiation by <del>recording</del> AWS Management" in shown(render_markdown(run_diff(head), style="html"))


# --------------------------------------------------------------------------------------------
# The worked examples of CONTRIBUTING.md are real.

CONTRIBUTING = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"
_EXAMPLE = re.compile(r"<!-- example: (apply|cumulative|reverse) -->\n```diff\n(.*?\n)```\n.*?```markdown\n(.*?\n)```", re.S)


def _apply(patch: str, where: Path, reverse: bool = False) -> None:
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(where.parent))
    res = subprocess.run(["git", "apply", "-p1", *(["-R"] if reverse else []), "-"], input=patch, text=True, cwd=where, capture_output=True, env=env)
    assert res.returncode == 0, f"a worked example of CONTRIBUTING.md no longer applies to the catalogue: {res.stderr}"


_FIX = re.compile(r"```text\n(.*?)\n```\n.*?<!-- example: fix -->\n```diff\n(.*?\n)```", re.S)


def _check_fix_examples(text: str, work: Path) -> None:
    """A `fix` example: the broken state (the patch reversed) gives exactly the error shown; the patch fixes it."""
    from conformap import paths
    from conformap.load.loader import validate

    fixes = _FIX.findall(text)
    assert len(fixes) == 1
    for expected_error, patch in fixes:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(paths.DEFAULT_CATALOG, work / "catalog")
        _apply(patch, work, reverse=True)
        cat, diags = validate(work / "catalog")
        assert cat is None
        printed = [d.format().replace((work / "catalog").as_posix(), "catalog") for d in diags]
        assert printed == [expected_error]
        _apply(patch, work)
        assert validate(work / "catalog")[0] is not None


@pytest.mark.slow  # over 1.5 s of CPU: make test runs it, make test-fast does not
def test_contributing_worked_examples_are_real(tmp_path):
    from conformap import paths

    text = CONTRIBUTING.read_text(encoding="utf-8")
    examples = _EXAMPLE.findall(text)
    assert [mode for mode, _, _ in examples] == ["apply", "cumulative", "cumulative", "apply", "apply"]
    _check_fix_examples(text, tmp_path / "fix")
    work = tmp_path / "work"
    real = conformap.load(paths.DEFAULT_CATALOG)
    current = None
    for n, (mode, patch, expected) in enumerate(examples, 1):
        if mode != "cumulative":
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(paths.DEFAULT_CATALOG, work / "catalog")
            current = real
        if mode == "reverse":
            _apply(patch, work, reverse=True)
            before, after = conformap.load(work / "catalog"), real
        else:
            _apply(patch, work)
            before, after = current, conformap.load(work / "catalog")
        current = after
        out = render_markdown(compare(before, after, "main (…)", "working tree"))
        assert shown(out) == shown(expected), f"worked example {n} of CONTRIBUTING.md: `conformap diff` now prints\n{out}"


def test_a_framework_only_change_is_a_change(tmp_path):
    head = edited(tmp_path, {"framework.yaml": ("title: Diff fixture framework", "title: Diff fixture framework, revised")})
    result = run_diff(head)
    assert result["changed"] is True
    assert shown(render_markdown(result)).endswith(
        "### Framework changed\n\n- `title`: Diff fixture ~~framework~~ **framework, revised**\n"
    )


def test_changes_page_names_the_current_version_without_tags(tmp_path, git_env):
    plain = tmp_path / "plain"
    plain.mkdir()
    cat = conformap.load(BASE)
    versioned = dataclasses.replace(cat.framework, version="9.8.7", released="2031-02-03")
    page = changes_markdown(plain, current=dataclasses.replace(cat, framework=versioned))
    assert page.startswith("# Changes per release\n\nThis site shows catalogue version **9\\.8\\.7**, released 2031\\-02\\-03.\n\n")
    assert "No git history" in page


# --------------------------------------------------------------------------- hostile revisions (issue 22, class 6)


def test_a_catalogue_that_is_a_submodule_is_refused_not_read_as_none(repo, git_env, capsys):
    """A revision whose catalog/ is a git submodule was read as "no catalogue" (every rule removed)."""
    other = repo.parent / "other"
    shutil.copytree(repo / "catalog", other)
    _git(other, "init", "-q", "-b", "main")
    _commit(other, "a catalogue elsewhere", "2024-04-01T12:00:00+00:00", git_env)
    head = subprocess.run(["git", "-C", str(other), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    _git(repo, "rm", "-r", "-q", "catalog")
    _git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},catalog")
    git_env.setenv("GIT_AUTHOR_DATE", "2024-04-02T12:00:00+00:00")
    git_env.setenv("GIT_COMMITTER_DATE", "2024-04-02T12:00:00+00:00")
    _git(repo, "commit", "-q", "-m", "catalogue as a submodule")
    shutil.copytree(other, repo / "catalog", ignore=shutil.ignore_patterns(".git"))  # the working tree as before
    assert cli.main(["diff", "v0.2.0", "HEAD", "--catalog", str(repo / "catalog")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("conformap diff: catalog at ") and "is a git submodule; a catalogue is read from the project's own files" in captured.err


def test_a_blob_over_the_size_limit_is_refused_before_it_is_read(repo, git_env, capsys, monkeypatch):
    from conformap.compare import gitsource
    from conformap.load.yamlio import MAX_FILE_BYTES

    big = repo / "catalog" / "rules" / "restricted-ssh.yaml"
    big.write_bytes(big.read_bytes() + b"#" * MAX_FILE_BYTES + b"\n")
    _commit(repo, "a rule file over the limit", "2024-04-01T12:00:00+00:00", git_env)
    read: list[bytes] = []
    real_git = gitsource._git
    monkeypatch.setattr(gitsource, "_git", lambda r, *a, stdin=None: read.append(stdin or b"") or real_git(r, *a, stdin=stdin))
    assert cli.main(["diff", "v0.2.0", "HEAD", "--catalog", str(repo / "catalog")]) == 2
    err = capsys.readouterr().err
    size = big.stat().st_size
    assert "catalog/rules/restricted-ssh.yaml at " in err and f": is {size} bytes; the limit is {MAX_FILE_BYTES} bytes (it was not read)" in err
    blob = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD:catalog/rules/restricted-ssh.yaml"], capture_output=True, check=True).stdout.strip()
    assert read and not any(blob in asked for asked in read)  # the blob was never asked of git cat-file


@pytest.mark.parametrize("rev", ["no\x1b[31msuch\nrev", "x\x07bell", "HEAD\u202e"])
@pytest.mark.scenario
def test_control_characters_in_a_revision_are_escaped(repo, capsys, rev):
    assert cli.main(["diff", rev, "--catalog", str(repo / "catalog")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b[31msuch\\nrev" in err or "x\\x07bell" in err or "HEAD\\u202e" in err


def test_a_revision_found_by_message_search_is_labelled_escaped(repo, git_env, capsys):
    """`:/text` names the newest commit whose message matches: a label can hold any character of the argument."""
    assert cli.main(["diff", ":/map\x1b", "--catalog", str(repo / "catalog")]) == 2  # no message holds ESC
    assert "':/map\\x1b' is neither" in capsys.readouterr().err
