"""The simulation core: pure NumPy, no widgets, no plotting."""
