# English dates of the congress: day before month, as in the German pages, so "01/12/2026"
# cannot mean two days; 24-hour times, as the programme and the chats show them.
DATE_FORMAT = "j F Y"  # 1 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 1 Dec 2026
MONTH_DAY_FORMAT = "D j M"  # Tue 1 Dec (with the weekday: meeting slots)
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
