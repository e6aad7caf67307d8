"""How two arms share patients, order and timing (docs/architecture.md)."""
