"""The `arc-priors` command line. Nothing imports this package; it imports the rest."""
