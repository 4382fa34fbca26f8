(** * Other Bell expressions (certificate format of the certify project,
    "Expression output bound" and "Expression bounds"): an expression given
    by its table of coefficients, the check of one stored value function and
    of the no-signalling minimum, each proved sound once for every scenario. *)
From Coq Require Import List Arith Bool NArith ZArith QArith Qreals Reals Lra.
From Certify Require Import Definitions Checker.
Import ListNotations.
Open Scope nat_scope.

(** ** What is proved about an expression C *)

(** [ns_minimum s C v]: v = min { C.P : P no-signalling } (a lower bound on
    every no-signalling box, attained by one of them). *)
Definition ns_minimum (s : scenario) (C : list nat -> list nat -> Q) (v : R) : Prop :=
  (forall P, no_signalling_box s P -> (v <= expectation s C P)%R)
  /\ (exists P, no_signalling_box s P /\ expectation s C P = v).

(** C(x,u) = the sum of the coefficients listed for (u, x) in a table
    (the certificates list each (u, x) at most once). *)
Definition expression_of_table (table : list (list nat * list nat * Q)) (u x : list nat) : Q :=
  fold_right (fun e acc => if tuple_eqb (fst (fst e)) u && tuple_eqb (snd (fst e)) x
                           then Qadd (snd e) acc else acc) 0%Q table.

(** Lines of the value function listed for (u, x) in a table. *)
Definition lines_of (table : list (list nat * list nat * list (R * R))) (u x : list nat)
  : list (R * R) :=
  match find (fun e => tuple_eqb (fst (fst e)) u && tuple_eqb (snd (fst e)) x) table with
  | Some e => snd e
  | None => []
  end.

(** ** The value function of one pair *)

(** One stored pair document: target u, x, its canonical index and the value function. *)
Record expression_pair := {
  ep_setting : list nat; ep_outcome : list nat; ep_index : N;
  ep_breakpoints : list breakpoint; ep_pieces : list piece }.

(** [rs], [cs], [ef]: [rows s], [cells s] and [expr_form s C], computed once
    per expression (see [expression_pair_sound]). *)
Definition check_expression_pair rs cs ef s C (d : expression_pair) : bool :=
  let t := (ep_setting d, ep_outcome d) in
  match nth_error cs (N.to_nat (ep_index d)) with Some c => cell_eqb c t | None => false end
  && check_value_function_with rs cs ef s C t (ep_breakpoints d) (ep_pieces d).

Theorem expression_pair_sound s C rs cs ef d : scenario_ok s = true ->
  rs = rows s -> cs = cells s -> ef = expr_form s C -> check_expression_pair rs cs ef s C d = true ->
  max_output s C (ep_setting d) (ep_outcome d) (lower_envelope (envelope_of (ep_pieces d))).
Proof.
  intros Hs -> -> -> H; unfold check_expression_pair in H; apply andb_prop in H as [_ H].
  exact (check_value_function_sound s C (ep_setting d, ep_outcome d) _ _ Hs H).
Qed.

(** ** The no-signalling minimum ([bounds.json], "ns_optimum")

    An inequality certificate without target and with slope 1 proves
    0 <= bound + C.P, so C.P >= value when bound = -value; a witness box with
    C.W = value shows that the minimum is attained. *)
Record ns_minimum_data := {
  nm_value : Q; nm_bound : Q; nm_multipliers : list (N * Q); nm_witness : list (N * Q) }.

Definition check_ns_minimum s C (d : ns_minimum_data) : bool :=
  check_ineq s C None 1 (nm_bound d) (nm_multipliers d)
  && Qeq_bool (nm_bound d) (- nm_value d)
  && sparse_ok_from 0 (N.of_nat (length (cells s))) (nm_witness d)
  && ns_boxb s (qbox s (nm_witness d))
  && Qeq_bool (expectationQ s C (qbox s (nm_witness d))) (nm_value d).

Theorem ns_minimum_sound s C d : scenario_ok s = true -> check_ns_minimum s C d = true ->
  ns_minimum s C (qr (nm_value d)).
Proof.
  intros Hs H; unfold check_ns_minimum in H; rewrite !andb_true_iff in H.
  destruct H as [[[[Hc Hb] _] Hns] He]; rewrite qr_Q2R; split.
  - intros P HP; pose proof (check_ineq_sound s C None _ _ _ Hs Hc P HP) as Hle.
    simpl in Hle; apply Qeq_bool_R in Hb; rewrite Hb, Q2R_opp, Q2R_1 in Hle; lra.
  - exists (rbox s (nm_witness d)); split; [apply ns_boxb_sound; auto |].
    unfold rbox; rewrite <- expectationQ_R; apply Qeq_bool_R; auto.
Qed.
