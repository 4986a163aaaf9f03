"""What changed between two catalogues: git or folder sides, the comparison engine and its Markdown/JSON reports."""
