"""Models of the ambassadors app; every concrete model here is an OrgScopedModel."""
