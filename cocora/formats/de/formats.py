# German: day with a full stop ("6."), abbreviated weekday with a full stop and a comma
# ("Fr.,"), months as Django's "N" gives them ("Nov.", but "Mai"), 24-hour time.
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. F Y, H:i"
SHORT_DATETIME_FORMAT = "j. N Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. F"
YEAR_MONTH_FORMAT = "F Y"
# Named formats of our own (see the en module).
DAY_FORMAT = "D., j. N"
DAY_TIME_FORMAT = "D., j. N, H:i"
LONG_DAY_FORMAT = "l, j. F"
LONG_DAY_TIME_FORMAT = "l, j. F, H:i"
SHORT_MONTH_DAY_FORMAT = "j. N"
SHORT_MONTH_DAY_TIME_FORMAT = "j. N, H:i"
YEAR_FORMAT = "Y"
LOWERCASE_NAMES = False
# Input formats and number separators are Django's own for this language.
