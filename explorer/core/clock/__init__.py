"""The trial's clock: accrual, DLT window, pending patients, and how long a trial takes (DESIGN.md §5 "time")."""
