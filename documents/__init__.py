"""PDF engine for Accord: PDF/A-3b rendering (WeasyPrint) and sealing (pyHanko)."""
