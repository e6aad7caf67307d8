"""phase1-explorer: design phase I dose-escalation trials and see their operating characteristics."""

__version__ = "0.1.0"
