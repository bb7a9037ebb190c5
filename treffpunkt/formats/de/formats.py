# German dates of the congress: Django's, with the weekday in MONTH_DAY_FORMAT (meeting slots).
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "d.m.Y"
MONTH_DAY_FORMAT = "D, j. M."  # Di, 1. Dez.
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y, H:i"
SHORT_DATETIME_FORMAT = "d.m.Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
