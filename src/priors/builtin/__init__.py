"""The built-in priors. Each is registered by an entry point in arc-priors' own pyproject,
exactly as a third-party prior would be."""
