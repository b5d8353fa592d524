# Italian: abbreviations without a full stop ("ven 6 nov"), day and month names in lower case
# (Django's Italian catalogue capitalises them, so LOWERCASE_NAMES asks our date filter to lower
# them), 24-hour time.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
# Named formats of our own (see the en module).
DAY_FORMAT = "D j b"
DAY_TIME_FORMAT = "D j b, H:i"
LONG_DAY_FORMAT = "l j F"
LONG_DAY_TIME_FORMAT = "l j F, H:i"
SHORT_MONTH_DAY_FORMAT = "j b"
SHORT_MONTH_DAY_TIME_FORMAT = "j b, H:i"
YEAR_FORMAT = "Y"
LOWERCASE_NAMES = True
# Input formats and number separators are Django's own for this language.
