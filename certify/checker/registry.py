"""The claims registry: every statement the default ``certify audit`` establishes.

Standard library only, built on :mod:`certify.checker.core`. Exit 0 of the
default audit means exactly: every row of :data:`CLAIMS` is proven by the
files its path names, with the checker of this folder. A row is
``Claim(section, name, kind, path, statement)``: ``path`` is relative to the
repository root (a folder for ``lemma11`` and ``expression`` rows, one file
otherwise) and ``kind`` names the rule of :data:`RULES` that decides it from
the audit's entries below ``path``:

- ``lemma11``: every file below the path proven, and the coverage entry of the
  folder proven (one output-bound file per pair, names matching targets:
  :func:`check_coverage`);
- ``expression``: every file proven, the folder's coverage entry proven, and
  every file names the expression ``name`` (whose coefficients
  :mod:`certify.checker.builtins` rebuilds from its definition);
- ``family``: the file proven, an ``expression-reduced`` document naming
  ``name`` (rebuilt the same way);
- ``catalogue``: every class document and the index of the scenario folder
  proven, the folder's coverage entry proven (every class of the index present,
  distinct, numbered, class 1 positivity), and the index states the registered
  counts of facets and classes (:data:`_CATALOGUES`);
- ``record``: the proof record of that name proven, its chain of algebra steps
  ending in exactly the registered ``formula`` (the grammar of
  :func:`certify.checker.records.step_formula`).

Files that no row covers are still checked, but reported as user statements
("proves ... for the coefficients stated in the file"), never as claims of the
paper. Extension point: a new kind of certificate registers its rows in
:data:`CLAIMS` under :data:`PROJECT` with a new kind, and adds one function
``rule(claim, entries, statements) -> problem or None`` to :data:`RULES`;
nothing else changes (the ``catalogue`` rows were added this way).
"""

from collections import namedtuple

from certify.checker.core import NotProven

PAPER, PROJECT = "the paper's claims", "the project's own results"
Claim = namedtuple("Claim", "section name kind path statement formula", defaults=(None,))
LEMMA11 = "certificates/lemma11"
_EQ42 = ("Lemma 11, eq. (42): P(x*|u*) <= 1/3 + 2/3 B.P for every no-signalling box P of the four-party "
         "binary scenario, B of eq. (7), for each of the 256 pairs (u*, x*)")
_VALUE_FUNCTION = ("the exact value function v(delta) = max{P(x*|u*) : P no-signalling, B.P <= delta} "
                   "(eq. (7)), piecewise linear with certified pieces and witnesses, for each of the 256 pairs")
_RECORDS = (  # record name, statement, the formula its chain of algebra steps ends in
    # (proofs/params/<name with "/" as "_">.json; docs/proof-record-format.md has the grammar)
    ("delta-max-paper-eps-0", "delta_max(0) = (1/2 - eps)^8/2 = 1/512",
     "1/2*s^8 = 1/512 at s = 1/2"),
    ("delta-max-paper-eps-1/10", "delta_max(1/10) = (1/2 - eps)^8/2 = 128/390625",
     "1/2*s^8 = 128/390625 at s = 2/5"),
    ("delta-max-paper-eps-1/4", "delta_max(1/4) = (1/2 - eps)^8/2 = 1/131072",
     "1/2*s^8 = 1/131072 at s = 1/4"),
    ("delta-max-certified-eps-0", "delta_max_certified(0) = (1/2 - eps)^8 b*^2/2 = 1/128",
     "1/2*s^8*b^2 = 1/128 at s = 1/2, b = 2"),
    ("delta-max-certified-eps-1/10", "delta_max_certified(1/10) = (1/2 - eps)^8 b*^2/2 = 512/390625",
     "1/2*s^8*b^2 = 512/390625 at s = 2/5, b = 2"),
    ("delta-max-certified-eps-1/4", "delta_max_certified(1/4) = (1/2 - eps)^8 b*^2/2 = 1/32768",
     "1/2*s^8*b^2 = 1/32768 at s = 1/4, b = 2"),
    ("lemma10-chain", "Lemma 10 chained with Lemma 11: P(x*|u*) <= (1/3)(1 + 2 delta/(1/2-eps)^4)",
     "for all s > 0, f1 >= 0, f2 >= 0, f3 >= 0, f4 >= 0: f1*f2*f3*f4 + s*f2*f3*f4 + s*f1*f3*f4 + s*f1*f2*f4 + s*f1*f2*f3 + s^2*f3*f4 + s^2*f2*f4 + s^2*f2*f3 + s^2*f1*f4 + s^2*f1*f3 + s^2*f1*f2 + s^3*f4 + s^3*f3 + s^3*f2 + s^3*f1 >= 0"),
    ("theorem20-region-paper", "Theorem 20: (1/3)(1 + 2 sqrt(2 delta)/(1/2-eps)^4) < 1 iff delta < (1/2-eps)^8/2 (eq. (111))",
     "for all s > 0, r >= 0: r + s^4 > 0"),
    ("theorem27-region-paper", "Theorem 27: the same region, eq. (180)",
     "for all s > 0, r >= 0: r + s^4 > 0"),
    ("theorem20-region-certified", "Theorem 20 with the certified value functions: the region delta < (1/2-eps)^8 b*^2/2",
     "for all s > 0, r >= 0: r + 2*s^4 > 0"),
    ("noise-tolerance-paper-eps-0", "white-noise and bit-flip tolerance of the quantum box at eps = 0",
     "1/4*x + 1/2*e*x = 1/512 at e = 0, x = 1/128"),
    ("noise-tolerance-paper-eps-1/10", "white-noise and bit-flip tolerance of the quantum box at eps = 1/10",
     "1/4*x + 1/2*e*x = 128/390625 at e = 1/10, x = 256/234375"),
    ("noise-tolerance-paper-eps-1/4", "white-noise and bit-flip tolerance of the quantum box at eps = 1/4",
     "1/4*x + 1/2*e*x = 1/131072 at e = 1/4, x = 1/49152"),
)
_EXPRESSIONS = ("chsh", "magic-square", "mermin3", "mermin5", "paper")
_FAMILIES = ("mermin-n3", "mermin-n5", "mermin-n7", "paper-n3", "paper-n4", "paper-n5", "paper-n6", "paper-n7",
             "paper-n8")
_CATALOGUES = (  # scenario folder, facets, classes, name (as computed; a facet list has no
    # small certificate of completeness: the counts are registered, not proven complete)
    ("2x2-2x2", 24, 2, "CHSH scenario"), ("3x2-3x2", 684, 3, "I3322 scenario"),
    ("2x3-2x3", 1116, 4, "CGLMP scenario"), ("2x2-2x2-2x2", 53856, 46, "three parties, two binary settings"),
    ("4x2-3x2", 12480, 6, "four and three binary settings"),
)
CLAIMS = (
    (Claim(PAPER, "lemma11-eq42", "lemma11", LEMMA11, _EQ42),
     Claim(PAPER, "lemma11-value-function", "lemma11", LEMMA11, _VALUE_FUNCTION))
    + tuple(Claim(PAPER, name, "record", f"proofs/params/{name.replace('/', '_')}.json", statement, formula)
            for name, statement, formula in _RECORDS)
    + tuple(Claim(PROJECT, name, "expression", f"certificates/expressions/{name}",
                  f"the built-in expression {name!r} (coefficients rebuilt from its definition): local bound, "
                  f"no-signalling optimum and the exact value function of every pair") for name in _EXPRESSIONS)
    + tuple(Claim(PROJECT, name, "family", f"certificates/families/{name}.json",
                  f"the family member {name!r} (coefficients rebuilt from its definition): local bound, "
                  f"no-signalling optimum and v(0) of every pair (symmetry-reduced)") for name in _FAMILIES)
    + tuple(Claim(PROJECT, f"catalogue-{spec}", "catalogue", f"certificates/catalogue/{spec}",
                  f"facet catalogue of the local polytope, {title} ({spec}): {facets} facets in {classes} classes "
                  f"up to relabelling, each class representative a facet (valid and tight on an affinely "
                  f"independent set) in canonical form with its orbit size, its local bound, no-signalling "
                  f"optimum and max P(x*|u*) at that optimum (the list's completeness is cross-checked, "
                  f"not certified)") for spec, facets, classes, title in _CATALOGUES)
)


def _all_proven(claim, entries, statements, coverage=None):
    """The files below the claim's path were found and proven (and the coverage entry, if named)."""
    if not any("(coverage" not in path for path, _ in entries):
        return "no file found"
    failed = [path for path, status in entries if status != "ok"]
    if failed:
        return f"{len(failed)} entries not proven, e.g. {failed[0]}"
    if coverage and not any(coverage in path for path, _ in entries):
        return "no coverage entry for the folder"
    return None


def _named(claim, statements, kinds):
    """Every statement is of one of ``kinds`` and names the claim's expression."""
    for path, (kind, statement) in statements.items():
        if kind not in kinds:
            return f"{path} is a {kind} document"
        name = statement.get("name") if isinstance(statement, dict) else None
        if kinds != ("certify/output-bound",) and name != claim.name:
            return f"{path} proves a statement about the expression {name!r}, not {claim.name!r}"
    return None


def _lemma11_rule(claim, entries, statements):
    return (_all_proven(claim, entries, statements, "(coverage of the 256 pairs)")
            or _named(claim, statements, ("certify/output-bound",)))


def _expression_rule(claim, entries, statements):
    kinds = ("certify/expression-bound", "certify/expression-bounds", "certify/expression-symmetry")
    return (_all_proven(claim, entries, statements, "(coverage of the expression's pairs)")
            or _named(claim, statements, kinds))


def _family_rule(claim, entries, statements):
    return _all_proven(claim, entries, statements) or _named(claim, statements, ("certify/expression-reduced",))


def _record_rule(claim, entries, statements):
    problem = _all_proven(claim, entries, statements)
    for path, (kind, statement) in statements.items():
        if kind != "certify/proof-record" or not str(statement).startswith(claim.name + ": "):
            return problem or f"{path} is not the proof record {claim.name!r}"
        derived = str(statement)[len(claim.name) + 2:].rsplit(" (", 1)[0].split("; ")
        if derived[-1] != claim.formula:
            return problem or f"{path}: its algebra ends in {derived[-1]!r}, not the registered {claim.formula!r}"
    return problem


def _catalogue_rule(claim, entries, statements):
    problem = _all_proven(claim, entries, statements, "(catalogue: every class of the index)")
    if problem:
        return problem
    spec = claim.path.rsplit("/", 1)[1]
    facets, classes = next((f, c) for s, f, c, _ in _CATALOGUES if s == spec)
    index = None
    for path, (kind, statement) in statements.items():
        if kind not in ("certify/catalogue-class", "certify/catalogue-index"):
            return f"{path} is a {kind} document"
        if statement["spec"] != spec:
            return f"{path} is about the scenario {statement['spec']!r}, not {spec!r}"
        if kind == "certify/catalogue-index":
            index = statement
    if index is None:
        return "no proven index.json"
    if (index["facets"], len(index["classes"])) != (facets, classes):
        return (f"the index lists {index['facets']} facets in {len(index['classes'])} classes, the registry "
                f"{facets} in {classes}")
    return None


RULES = {"catalogue": _catalogue_rule, "lemma11": _lemma11_rule, "expression": _expression_rule, "family": _family_rule,
         "record": _record_rule}


def location(path_parts):
    """Where an audited path lies in the repository layout: the parts from the last
    ``certificates`` or ``proofs`` folder on, joined by '/', or None."""
    for k in range(len(path_parts) - 1, -1, -1):
        if path_parts[k] in ("certificates", "proofs"):
            return "/".join(path_parts[k:])
    return None


def claims_under(where):
    """The registered claims at or below the repository path ``where`` (None: none)."""
    if where is None:
        return []
    return [claim for claim in CLAIMS if claim.path == where or claim.path.startswith(where + "/")]


def decide(claim, entries, statements):
    """None if the claim is proven by ``entries`` (``[(path relative to the repository, status)]``
    below its path) and ``statements`` (``{path: (format, statement)}`` of the proven files);
    otherwise what is missing."""
    if not entries:
        return f"{claim.path}: missing"
    return RULES[claim.kind](claim, entries, statements)


def registry_text():
    """The registry as ``certify audit --claims`` prints it."""
    lines = ["certify audit (no arguments, from the repository root) exits 0 only if every claim below is "
             "proven by the files at its path; files outside these paths are reported as user statements, "
             "never as claims of the paper."]
    for section in (PAPER, PROJECT):
        lines += ["", f"{section[0].upper()}{section[1:]}:"]
        for claim in CLAIMS:
            if claim.section == section:
                lines.append(f"  {claim.name:<31}{claim.path}")
                lines.append(f"  {'':<31}{claim.statement}")
                if claim.formula:
                    lines.append(f"  {'':<31}proved formula: {claim.formula}")
    return "\n".join(lines) + "\n"


def check_coverage(proven, present, where="folder"):
    """Lemma 11 "for every (u*, x*)": one proven file ``u<setting>-x<outcome>.json`` per pair.

    ``proven`` maps file names to the statements of files that passed;
    ``present`` holds every certificate file name of the folder."""
    for name, statement in proven.items():
        if name != f"u{statement['setting']}-x{statement['outcome']}.json":
            raise NotProven(f"{where}: file {name} proves P({statement['outcome']}|{statement['setting']}); "
                            f"its name must match its target")
    pairs = [f"u{u:04b}-x{x:04b}.json" for u in range(16) for x in range(16)]
    absent = [p for p in pairs if p not in present]
    failed = [p for p in pairs if p in present and p not in proven]
    if absent or failed:
        raise NotProven(f"{where}: {256 - len(absent) - len(failed)} of 256 pairs proven; absent: "
                        f"{absent[:4] + ['...'] * (len(absent) > 4)}, "
                        f"not proven: {failed[:4] + ['...'] * (len(failed) > 4)}")
