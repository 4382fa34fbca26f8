"""The command line: one thin module per subcommand.

Each module parses its arguments, calls one library function, prints or
serialises the result and lets :func:`certify.cli.main.main` map errors to exit
codes (0 success, 1 a claim not proven, 2 malformed input, 130 interrupted).
No module here holds library logic.
"""
