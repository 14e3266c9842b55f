"""The `kimed` command line."""
