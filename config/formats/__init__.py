"""Accord's date and time formats, per interface language (FORMAT_MODULE_PATH).

One format for every time a page or an e-mail shows: ISO-like date, 24-hour time and the zone's
abbreviation ("2026-09-30 18:00 KST"). Times are shown in the reader's zone (signatories/time_zones.py),
so a time without its zone would be ambiguous between readers. Templates use
`{{ value|date:"DATETIME_FORMAT" }}`, Python `formats.date_format(value, "DATETIME_FORMAT")`.
"""
