# French: abbreviated weekday with a full stop ("ven."), months as Django's "N" gives them
# ("nov.", but "mai", "juin"), "à" before a 24-hour time;
# day and month names in lower case (the interface catalogue capitalises "Vendredi" as a label).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j F Y \\à H:i"
SHORT_DATETIME_FORMAT = "j N Y \\à H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
# Named formats of our own (see the en module).
DAY_FORMAT = "D. j N"
DAY_TIME_FORMAT = "D. j N \\à H:i"
LONG_DAY_FORMAT = "l j F"
LONG_DAY_TIME_FORMAT = "l j F \\à H:i"
SHORT_MONTH_DAY_FORMAT = "j N"
SHORT_MONTH_DAY_TIME_FORMAT = "j N \\à H:i"
YEAR_FORMAT = "Y"
LOWERCASE_NAMES = True
# Input formats and number separators are Django's own for this language.
