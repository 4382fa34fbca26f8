"""Count the code lines of the trusted core: lines that are not blank, not a
comment and not part of a docstring.

    python benchmarks/core_lines.py [FILE...]    (default: certify/checker/core.py)

Prints one line per file, ``<count> <path>``; exits 1 if the core exceeds
``LIMIT`` code lines.
"""

import ast
import io
import sys
import tokenize
from pathlib import Path

LIMIT = 300
CORE = Path(__file__).resolve().parent.parent / "certify" / "checker" / "core.py"


def code_lines(source: str) -> int:
    """Lines holding a token other than a comment, and not inside a docstring.

    >>> code_lines("x = 1  # one\\n\\n# note\\ndef f():\\n    '''Doc.'''\\n    return x\\n")
    3
    """
    docstring_lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                docstring_lines.update(range(first.lineno, first.end_lineno + 1))
    lines = set()
    ignored = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
               tokenize.ENCODING, tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in ignored:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstring_lines)


def main(paths: list[str]) -> int:
    code = 0
    for path in paths or [str(CORE)]:
        count = code_lines(Path(path).read_text())
        print(f"{count} {path}")
        if not paths and count > LIMIT:
            print(f"the trusted core has more than {LIMIT} code lines", file=sys.stderr)
            code = 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
