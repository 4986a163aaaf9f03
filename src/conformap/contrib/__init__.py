"""Contribution tooling: compare two catalogues (folders or git revisions) and report what changed."""
