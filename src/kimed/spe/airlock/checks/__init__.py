"""The built-in disclosure checks, one module each (listed in ``kimed.spe.airlock.registry``)."""
