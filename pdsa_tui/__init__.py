"""pdsa: plan, log, review and report PDSA cycles from the terminal."""

__version__ = "0.3.0"
