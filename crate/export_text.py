"""What every exported file (M3U, CSV, plain text) does to the text DJs typed: one entry
stays on one line, and a CSV cell never becomes a spreadsheet formula."""

# A cell starting with one of these is a formula to a spreadsheet; a DJ typed the title.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def one_line(value):
    """`value` with every run of whitespace (line breaks too) as one space: a title is
    user input, and a line break in it must not start a new entry or line."""
    return " ".join(str(value).split())


def spreadsheet_cell(value):
    """`value` as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value
