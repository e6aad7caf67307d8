"""The app's controls, one group per module; each exposes `.widget`, a message area and plain values."""
