"""Models of the partners app; every concrete model here is an OrgScopedModel."""
