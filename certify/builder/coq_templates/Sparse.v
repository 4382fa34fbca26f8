(** * How the certificate files write sparse vectors.

    [i |-> p/q] (or [i |-> p] when q = 1) is the entry p/q at index i.  The
    numbers are Coq's primitive 63-bit integer literals, which parse several
    times faster than [Z] literals; [big_entry i p q] writes numbers beyond
    their range.  Nothing here is trusted: the checker receives the decoded
    list of (index, rational) pairs and checks it like any other. *)
From Coq Require Import NArith ZArith QArith PrimInt63 Sint63.

Definition sparse_entry (i p q : int) : N * Q :=
  (Z.to_N (Uint63.to_Z i), Qmake (Sint63.to_Z p) (Z.to_pos (Uint63.to_Z q))).
Definition sparse_integer (i p : int) : N * Q := (Z.to_N (Uint63.to_Z i), inject_Z (Sint63.to_Z p)).
Definition big_entry (i : N) (p : Z) (q : positive) : N * Q := (i, Qmake p q).

Declare Scope sparse_scope.
Notation "i |-> p / q" := (sparse_entry i%uint63 p%sint63 q%uint63)
  (at level 60, p at level 35, q at level 0) : sparse_scope.
Notation "i |-> p" := (sparse_integer i%uint63 p%sint63) (at level 60, p at level 35) : sparse_scope.
