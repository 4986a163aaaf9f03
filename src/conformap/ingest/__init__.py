"""Writing the catalogue from upstream: `import-aws-page` (page plan, page import, staging) and `import-source`."""
