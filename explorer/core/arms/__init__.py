"""How two arms share patients, order and timing (DESIGN.md §2 `arms`)."""
