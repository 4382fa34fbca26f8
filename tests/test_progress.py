"""The progress display: a live line on a terminal never wider than the terminal (so that the
carriage return redraws all of it), a few plain lines when piped, nothing when disabled."""

import io

from certify.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_live_line_is_cut_to_the_terminal_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    stream = Terminal()
    bar = Progress("certificates/expressions", stream=stream)
    bar(1, 5, "magic-square: local bound and no-signalling optimum of a long name")
    drawn = stream.getvalue()
    assert drawn.startswith("\r") and drawn.endswith("\033[K")
    visible = drawn[1:-len("\033[K")]
    assert visible.startswith("certificates/expressions") and len(visible) == 49


def test_live_line_ends_with_a_newline_when_done(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    stream = Terminal()
    bar = Progress("pairs", stream=stream)
    bar(4, 4, "detail not shown when done")
    assert stream.getvalue().endswith("\n") and "detail" not in stream.getvalue()


def test_piped_output_is_a_few_plain_lines_and_disabled_is_silent():
    stream = io.StringIO()
    bar = Progress("pairs", stream=stream)
    for done in range(1, 101):
        bar(done, 100, "inside")
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["pairs: 25/100", "pairs: 50/100", "pairs: 75/100",
                                                       "pairs: 100/100"]
    silent = io.StringIO()
    Progress("pairs", enabled=False, stream=silent)(1, 1)
    assert silent.getvalue() == ""
