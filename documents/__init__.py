"""PDF engine for Accord: tagged PDF/A-3a rendering (WeasyPrint) and sealing (pyHanko)."""
