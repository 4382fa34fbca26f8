(** * What the theorems of [Final.v] are about.

    Brandao et al., "Randomness amplification with a finite number of
    devices", arXiv:1310.4544, Sec. B (eqs. (4)-(7)) and Lemma 11 (eqs.
    (41)-(42)).  Only these definitions and the statements of [Final.v] need
    to be read to know what was proved.  Probabilities are real numbers
    (Coq's [Reals]); coefficients are exact rationals ([Q]). *)
From Coq Require Import List Arith QArith Reals Qreals.
Import ListNotations.
Open Scope nat_scope.

(** ** Scenario: party i has m_i settings and d_i outcomes. *)
Record scenario := { settings_per_party : list nat ; outcomes_per_party : list nat }.

(** All tuples [a_1; ...; a_n] with 0 <= a_i < n_i, in lexicographic order. *)
Fixpoint tuples (ns : list nat) : list (list nat) :=
  match ns with
  | [] => [[]]
  | n :: rest => flat_map (fun a => map (cons a) (tuples rest)) (seq 0 n)
  end.
Definition settings (s : scenario) := tuples (settings_per_party s).  (* u = u_1...u_n *)
Definition outcomes (s : scenario) := tuples (outcomes_per_party s).  (* x = x_1...x_n *)
Definition parties (s : scenario) := length (settings_per_party s).

(** The paper's scenario: four parties, u_i, x_i in {0, 1} (Sec. B). *)
Definition paper : scenario := {| settings_per_party := [2; 2; 2; 2];
                                  outcomes_per_party := [2; 2; 2; 2] |}.

(** ** Boxes: [P u x] is P(x|u); only the tuples of the scenario matter. *)
Definition box := list nat -> list nat -> R.

Fixpoint sumR {A : Type} (f : A -> R) (l : list A) : R :=
  match l with [] => 0%R | a :: l' => (f a + sumR f l')%R end.

(** [upd t i a]: the tuple t with its entry for party i (from 0) set to a. *)
Fixpoint upd (t : list nat) (i a : nat) : list nat :=
  match t, i with
  | [], _ => []
  | _ :: t', 0 => a :: t'
  | b :: t', S i' => b :: upd t' i' a
  end.

(** The distribution of all parties' outcomes but party i's: sum over x_i. *)
Definition marginal_without (s : scenario) (i : nat) (P : box) (u x : list nat) : R :=
  sumR (fun a => P u (upd x i a)) (seq 0 (nth i (outcomes_per_party s) 0)).

(** The no-signalling polytope: positivity, normalisation, and for each party
    i the other parties' distribution does not depend on u_i (eq. (13), party
    by party; applied repeatedly it gives eq. (13) for every subset). *)
Definition no_signalling_box (s : scenario) (P : box) : Prop :=
  (forall u x, In u (settings s) -> In x (outcomes s) -> (0 <= P u x)%R)
  /\ (forall u, In u (settings s) -> sumR (P u) (outcomes s) = 1%R)
  /\ (forall i u u' x, i < parties s ->
        In u (settings s) -> In u' (settings s) -> In x (outcomes s) ->
        (forall j, j <> i -> nth j u 0 = nth j u' 0) ->
        marginal_without s i P u x = marginal_without s i P u' x).

(** C.P = sum_{x,u} C(x,u) P(x|u) for rational coefficients C (eq. (6)). *)
Definition expectation (s : scenario) (C : list nat -> list nat -> Q) (P : box) : R :=
  sumR (fun u => sumR (fun x => (Q2R (C u x) * P u x)%R) (outcomes s)) (settings s).

(** ** The Bell expression, eqs. (4) and (7). *)
Definition U0 : list (list nat) := [[0;0;0;1]; [0;0;1;0]; [0;1;0;0]; [1;0;0;0]].
Definition U1 : list (list nat) := [[0;1;1;1]; [1;0;1;1]; [1;1;0;1]; [1;1;1;0]].
Definition indicator (b : bool) : Q := if b then 1%Q else 0%Q.
Definition in_set (u : list nat) (U : list (list nat)) : bool :=
  if in_dec (list_eq_dec Nat.eq_dec) u U then true else false.
(** B(x,u) = I[x1+x2+x3+x4 = 0 mod 2] I[u in U0] + I[x1+x2+x3+x4 = 1 mod 2] I[u in U1]. *)
Definition B (u x : list nat) : Q :=
  (indicator (Nat.even (list_sum x) && in_set u U0)
   + indicator (Nat.odd (list_sum x) && in_set u U1))%Q.
Definition bell (P : box) : R := expectation paper B P.  (* B.{P(x|u)}, eq. (6) *)

(** ** Value functions: [max_output s C u x v] says that for every delta >= 0,
    v(delta) = max { P(x|u) : P no-signalling, C.P <= delta }
    (an upper bound for all such boxes, attained by one of them). *)
Definition max_output (s : scenario) (C : list nat -> list nat -> Q)
    (u x : list nat) (v : R -> R) : Prop :=
  forall delta, (0 <= delta)%R ->
    (forall P, no_signalling_box s P -> (expectation s C P <= delta)%R -> (P u x <= v delta)%R)
    /\ (exists P, no_signalling_box s P /\ (expectation s C P <= delta)%R /\ P u x = v delta).

(** min_i (c_i + s_i delta) over a non-empty list of lines (c_i, s_i). *)
Fixpoint lower_envelope (lines : list (R * R)) (delta : R) : R :=
  match lines with
  | [] => 0%R
  | [(c, sl)] => (c + sl * delta)%R
  | (c, sl) :: rest => Rmin (c + sl * delta) (lower_envelope rest delta)
  end.
