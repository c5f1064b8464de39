"""Per-declaration archives: export a declaration's full record to one verifiable file, restore it."""
