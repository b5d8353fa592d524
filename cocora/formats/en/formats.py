# English as used across Europe: day before month, 24-hour clock. Django's own English formats
# are American (month first, a.m./p.m.), which misleads in a European organisation.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Named formats of our own, read by the date_year filter (cocora.core.templatetags.cocora_dates);
# every language's module defines each of them.
DAY_FORMAT = "D j M"
DAY_TIME_FORMAT = "D j M, H:i"
LONG_DAY_FORMAT = "l j F"
LONG_DAY_TIME_FORMAT = "l j F, H:i"
SHORT_MONTH_DAY_FORMAT = "j M"
SHORT_MONTH_DAY_TIME_FORMAT = "j M, H:i"
YEAR_FORMAT = "Y"
LOWERCASE_NAMES = False
