"""Data loaders and generators, one module per data set."""
