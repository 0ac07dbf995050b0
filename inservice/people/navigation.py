"""Menu entries of this app (none yet)."""
