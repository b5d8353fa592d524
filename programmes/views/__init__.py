"""Pages of the programmes app, one module per area; all under /o/<org_slug>/."""
