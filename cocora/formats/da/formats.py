# Danish: day with a full stop ("6."), abbreviations with theirs ("fre.", "nov."; a short month
# name like "maj" has none, which is what Django's "N" gives), "kl." before a 24-hour time;
# day and month names in lower case (the interface catalogue capitalises "Fredag" as a label).
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. F Y \\k\\l. H:i"
SHORT_DATETIME_FORMAT = "j. N Y \\k\\l. H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. F"
YEAR_MONTH_FORMAT = "F Y"
# Named formats of our own (see the en module).
DAY_FORMAT = "D. j. N"
DAY_TIME_FORMAT = "D. j. N \\k\\l. H:i"
LONG_DAY_FORMAT = "l \\d. j. F"
LONG_DAY_TIME_FORMAT = "l \\d. j. F \\k\\l. H:i"
SHORT_MONTH_DAY_FORMAT = "j. N"
SHORT_MONTH_DAY_TIME_FORMAT = "j. N \\k\\l. H:i"
YEAR_FORMAT = "Y"
LOWERCASE_NAMES = True
# Input formats and number separators are Django's own for this language.
