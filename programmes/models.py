"""Models of the programmes app; every concrete model here is an OrgScopedModel."""
