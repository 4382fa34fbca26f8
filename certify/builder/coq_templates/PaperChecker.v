(** * The checker for one Lemma-11 pair (certificate format of the certify
    project, "Output-bound certificate") and the statements it proves about
    [Definitions.v]. *)
From Coq Require Import List Arith Bool NArith ZArith QArith Qreals Reals Lra.
From Certify Require Import Definitions Checker.
Import ListNotations.
Open Scope nat_scope.

Lemma paper_ok : scenario_ok paper = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

(** One stored certificate: the target u*, x* and its index, the paper
    claim (bound, multipliers, witness) and the value function. *)
Record pair_data := {
  pd_setting : list nat; pd_outcome : list nat; pd_index : N;
  pd_claim_bound : Q; pd_claim_multipliers : list (N * Q); pd_claim_witness : list (N * Q);
  pd_breakpoints : list breakpoint; pd_pieces : list piece }.

Definition target (d : pair_data) : cell := (pd_setting d, pd_outcome d).

(** The rows, cells and the form of B of the paper's scenario, computed once
    (and checked equal to their definitions by the kernel). *)
Definition paper_rows : list (form * Q) := Eval vm_compute in rows paper.
Definition paper_cells : list cell := Eval vm_compute in cells paper.
Definition paper_form : form := Eval vm_compute in expr_form paper B.
Lemma paper_rows_ok : paper_rows = rows paper.
Proof. vm_cast_no_check (eq_refl paper_rows). Qed.
Lemma paper_cells_ok : paper_cells = cells paper.
Proof. vm_cast_no_check (eq_refl paper_cells). Qed.
Lemma paper_form_ok : paper_form = expr_form paper B.
Proof. vm_cast_no_check (eq_refl paper_form). Qed.

(** The paper-claim witness is a no-signalling box: checked here, unless it is
    one of the breakpoint witnesses (which [check_value_function] checks). *)
Definition claim_witness_ok (d : pair_data) : bool :=
  existsb (fun b => vector_eqb (bp_witness b) (pd_claim_witness d)) (pd_breakpoints d)
  || ns_boxb paper (qbox paper (pd_claim_witness d)).

Definition check_pair (d : pair_data) : bool :=
  let t := target d in
  let w := pd_claim_witness d in
  match nth_error paper_cells (N.to_nat (pd_index d)) with
  | Some c => cell_eqb c t | None => false end
  && check_ineq_with paper_rows paper_cells paper_form (Some t) (2#3) (pd_claim_bound d)
                     (pd_claim_multipliers d)
  && Qle_bool (pd_claim_bound d) (1#3)
  && sparse_ok_from 0 (N.of_nat (length paper_cells)) w && claim_witness_ok d
  && Qeq_bool (qbox paper w (fst t) (snd t) - (2#3) * expectationQ paper B (qbox paper w))
              (pd_claim_bound d)
  && check_value_function_with paper_rows paper_cells paper_form paper B t
                               (pd_breakpoints d) (pd_pieces d).

Lemma check_pair_parts d : check_pair d = true ->
  check_ineq paper B (Some (target d)) (2#3) (pd_claim_bound d) (pd_claim_multipliers d) = true
  /\ Qle_bool (pd_claim_bound d) (1#3) = true
  /\ ns_boxb paper (qbox paper (pd_claim_witness d)) = true
  /\ Qeq_bool (qbox paper (pd_claim_witness d) (pd_setting d) (pd_outcome d)
               - (2#3) * expectationQ paper B (qbox paper (pd_claim_witness d)))
              (pd_claim_bound d) = true
  /\ check_value_function paper B (target d) (pd_breakpoints d) (pd_pieces d) = true.
Proof.
  unfold check_pair; rewrite paper_rows_ok, paper_cells_ok, paper_form_ok, !andb_true_iff.
  intros [[[[[[_ Hc] Hb] _] Hw] He] Hv]; repeat split; auto.
  unfold claim_witness_ok in Hw; apply orb_true_iff in Hw as [Hw | Hw]; auto.
  apply existsb_exists in Hw as [b [Hin Heq]]; apply vector_eqb_eq in Heq; rewrite <- Heq.
  pose proof (check_value_function_witness _ _ _ _ _ _ _ _ _ Hv Hin) as Hb'.
  unfold check_witness in Hb'; rewrite !andb_true_iff in Hb'; tauto.
Qed.

Lemma Q2R_two_thirds : Q2R (2#3) = (2/3)%R.  Proof. reflexivity. Qed.

Theorem paper_claim_sound d : check_pair d = true ->
  forall P, no_signalling_box paper P ->
  (P (pd_setting d) (pd_outcome d) <= 1/3 + 2/3 * bell P)%R.
Proof.
  intros H P HP; destruct (check_pair_parts d H) as [Hc [Hb _]].
  pose proof (check_ineq_sound _ _ _ _ _ _ paper_ok Hc P HP) as Hle; simpl in Hle.
  apply Qle_bool_R in Hb; change (Q2R (1#3)) with (1/3)%R in Hb.
  unfold bell; simpl in Hle; rewrite Q2R_two_thirds in Hle; lra.
Qed.

Theorem best_constant_sound d : check_pair d = true ->
  (forall P, no_signalling_box paper P ->
     (P (pd_setting d) (pd_outcome d) <= qr (pd_claim_bound d) + 2/3 * bell P)%R)
  /\ (exists P, no_signalling_box paper P
                /\ P (pd_setting d) (pd_outcome d) = (qr (pd_claim_bound d) + 2/3 * bell P)%R).
Proof.
  intros H; destruct (check_pair_parts d H) as [Hc [_ [Hns [Heq _]]]]; rewrite qr_Q2R; split.
  - intros P HP; pose proof (check_ineq_sound _ _ _ _ _ _ paper_ok Hc P HP) as Hle.
    simpl in Hle; rewrite Q2R_two_thirds in Hle; exact Hle.
  - exists (rbox paper (pd_claim_witness d)); split; [apply ns_boxb_sound; auto |].
    apply Qeq_bool_R in Heq; rewrite Q2R_minus, Q2R_mult, expectationQ_R in Heq.
    unfold bell, rbox; rewrite <- Heq, Q2R_two_thirds; ring.
Qed.

Definition piece0 := {| pc_constant := 0; pc_slope := 0; pc_bound := 0; pc_multipliers := [] |}.
Definition breakpoint0 := {| bp_delta := 0; bp_value := 0; bp_witness := [] |}.

Theorem piece_sound d i : check_pair d = true -> (i <? length (pd_pieces d)) = true ->
  forall P, no_signalling_box paper P ->
  (P (pd_setting d) (pd_outcome d) <= qr (pc_constant (nth i (pd_pieces d) piece0))
                                      + qr (pc_slope (nth i (pd_pieces d) piece0)) * bell P)%R.
Proof.
  intros H Hi P HP; destruct (check_pair_parts d H) as [_ [_ [_ [_ Hv]]]].
  unfold check_value_function, check_value_function_with in Hv; rewrite !andb_true_iff in Hv.
  destruct Hv as [[_ Hpcs] _]; rewrite forallb_forall in Hpcs.
  apply Nat.ltb_lt in Hi; specialize (Hpcs _ (nth_In _ piece0 Hi)).
  rewrite !andb_true_iff in Hpcs; destruct Hpcs as [[_ Hb] Hc].
  rewrite !qr_Q2R, <- (Qeq_bool_R _ _ Hb).
  exact (check_ineq_sound paper B (Some (target d)) _ _ _ paper_ok Hc P HP).
Qed.

Theorem breakpoint_sound d i : check_pair d = true -> (i <? length (pd_breakpoints d)) = true ->
  exists P, no_signalling_box paper P
    /\ (bell P <= qr (bp_delta (nth i (pd_breakpoints d) breakpoint0)))%R
    /\ P (pd_setting d) (pd_outcome d) = qr (bp_value (nth i (pd_breakpoints d) breakpoint0)).
Proof.
  intros H Hi; destruct (check_pair_parts d H) as [_ [_ [_ [_ Hv]]]].
  unfold check_value_function, check_value_function_with in Hv; rewrite !andb_true_iff in Hv.
  destruct Hv as [_ Hbps]; rewrite forallb_forall in Hbps.
  apply Nat.ltb_lt in Hi; specialize (Hbps _ (nth_In _ breakpoint0 Hi)).
  destruct (check_witness_sound _ _ _ _ _ _ Hbps) as [HW [HWe HWt]].
  exists (rbox paper (bp_witness (nth i (pd_breakpoints d) breakpoint0))).
  rewrite !qr_Q2R; auto.
Qed.

Theorem value_function_sound d : check_pair d = true ->
  max_output paper B (pd_setting d) (pd_outcome d) (lower_envelope (envelope_of (pd_pieces d))).
Proof.
  intros H; destruct (check_pair_parts d H) as [_ [_ [_ [_ Hv]]]].
  exact (check_value_function_sound _ _ _ _ _ paper_ok Hv).
Qed.

(** ** Shapes of the per-pair statements in the [Pairs_*.v] files *)

(** P(x|u) <= c + sl * B.P for every no-signalling box P. *)
Definition line_bound (u x : list nat) (c sl : R) : Prop :=
  forall P, no_signalling_box paper P -> (P u x <= c + sl * bell P)%R.

(** Some no-signalling box P has P(x|u) = c + sl * B.P (so c is the best constant for sl). *)
Definition line_attained (u x : list nat) (c sl : R) : Prop :=
  exists P, no_signalling_box paper P /\ P u x = (c + sl * bell P)%R.

(** Some no-signalling box P has B.P <= delta and P(x|u) = v. *)
Definition attained_at (u x : list nat) (delta v : R) : Prop :=
  exists P, no_signalling_box paper P /\ (bell P <= delta)%R /\ P u x = v.

(** Every pair (u, x) of the scenario, by cases on the two lists. *)
Lemma all_pairs (C : list nat -> list nat -> Prop) :
  Forall (fun u => Forall (C u) (outcomes paper)) (settings paper) ->
  forall u x, In u (settings paper) -> In x (outcomes paper) -> C u x.
Proof.
  intros H u x Hu Hx; rewrite Forall_forall in H; specialize (H u Hu).
  rewrite Forall_forall in H; auto.
Qed.
