"""KIMed: a catalogue of health data and AI algorithms, and a Secure Processing Environment."""

__version__ = "0.1.0"
