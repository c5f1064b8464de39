# Every time shown carries its zone (config/formats/__init__.py).
DATETIME_FORMAT = "Y-m-d H:i T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
