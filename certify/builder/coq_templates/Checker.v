(** * A boolean checker for dual (Farkas) certificates, proved sound once.

    The checker computes with exact rationals ([Q]); the soundness theorems
    speak about real-valued boxes and the definitions of [Definitions.v].
    Certificate conventions: docs/certificate-format.md of the certify project
    ("Inequality certificate", "Value function"). *)
From Coq Require Import List Arith Bool NArith ZArith QArith Qreals Reals Lra Lia.
From Coq Require Import Permutation Orders Mergesort.
From Certify Require Import Definitions.
Import ListNotations.
Open Scope nat_scope.

(** ** Finite sums *)

Lemma sumR_app {A} (f : A -> R) l1 l2 : sumR f (l1 ++ l2) = (sumR f l1 + sumR f l2)%R.
Proof. induction l1; simpl; [ring | rewrite IHl1; ring]. Qed.

Lemma sumR_map {A B} (f : B -> R) (g : A -> B) l : sumR f (map g l) = sumR (fun a => f (g a)) l.
Proof. induction l; simpl; congruence. Qed.

Lemma sumR_flat_map {A B} (f : B -> R) (g : A -> list B) l :
  sumR f (flat_map g l) = sumR (fun a => sumR f (g a)) l.
Proof. induction l; simpl; [reflexivity | rewrite sumR_app; congruence]. Qed.

Lemma sumR_ext {A} (f g : A -> R) l : (forall a, In a l -> f a = g a) -> sumR f l = sumR g l.
Proof. induction l; simpl; intros H; [reflexivity | rewrite H, IHl; auto]. Qed.

Lemma sumR_plus {A} (f g : A -> R) l : sumR (fun a => f a + g a)%R l = (sumR f l + sumR g l)%R.
Proof. induction l; simpl; [ring | rewrite IHl; ring]. Qed.

Lemma sumR_scale {A} (c : R) (f : A -> R) l : sumR (fun a => c * f a)%R l = (c * sumR f l)%R.
Proof. induction l; simpl; [ring | rewrite IHl; ring]. Qed.

Lemma sumR_nonneg {A} (f : A -> R) l : (forall a, In a l -> 0 <= f a)%R -> (0 <= sumR f l)%R.
Proof.
  induction l; simpl; intros H; [lra |].
  apply Rplus_le_le_0_compat; [apply H | apply IHl]; auto.
Qed.

(** Addition in lowest terms (keeps the numbers small during computation). *)
Definition Qadd (p q : Q) : Q := Qred (p + q).

Lemma Q2R_Qadd p q : Q2R (Qadd p q) = (Q2R p + Q2R q)%R.
Proof. unfold Qadd; rewrite (Qeq_eqR _ _ (Qred_correct _)); apply Q2R_plus. Qed.

Definition sumQ {A} (f : A -> Q) (l : list A) : Q :=
  fold_right (fun a acc => Qadd (f a) acc) 0%Q l.

Lemma Q2R_sumQ {A} (f : A -> Q) l : Q2R (sumQ f l) = sumR (fun a => Q2R (f a)) l.
Proof.
  induction l; simpl.
  - unfold Q2R; simpl; lra.
  - rewrite Q2R_Qadd, <- IHl; reflexivity.
Qed.

Lemma Q2R_0 : Q2R 0 = 0%R.  Proof. unfold Q2R; simpl; lra. Qed.
Lemma Q2R_1 : Q2R 1 = 1%R.  Proof. unfold Q2R; simpl; lra. Qed.
Lemma Q2R_m1 : Q2R (-1) = (-1)%R.  Proof. unfold Q2R; simpl; lra. Qed.

Lemma Qeq_bool_R p q : Qeq_bool p q = true -> Q2R p = Q2R q.
Proof. intros H; apply Qeq_eqR, Qeq_bool_iff, H. Qed.

Lemma Qle_bool_R p q : Qle_bool p q = true -> (Q2R p <= Q2R q)%R.
Proof. intros H; apply Qle_Rle, Qle_bool_iff, H. Qed.

Lemma Qlt_bool_R p q : negb (Qle_bool q p) = true -> (Q2R p < Q2R q)%R.
Proof.
  intros H; apply Qlt_Rlt, Qnot_le_lt; intros Hle.
  apply Qle_bool_iff in Hle; rewrite Hle in H; discriminate.
Qed.

(** [qr q] is the real number q written as the literal [n] or [n/d]. *)
Definition qr (q : Q) : R :=
  if Pos.eqb (Qden q) 1 then IZR (Qnum q) else (IZR (Qnum q) / IZR (Zpos (Qden q)))%R.

Lemma qr_Q2R q : qr q = Q2R q.
Proof.
  unfold qr, Q2R; destruct (Pos.eqb_spec (Qden q) 1) as [H | H];
    [rewrite H; simpl; field | reflexivity].
Qed.

(** ** Tuples and cells (u, x), in the canonical order *)

Fixpoint tuple_eqb (a b : list nat) : bool :=
  match a, b with
  | [], [] => true
  | i :: a', j :: b' => Nat.eqb i j && tuple_eqb a' b'
  | _, _ => false
  end.

Lemma tuple_eqb_eq a b : tuple_eqb a b = true <-> a = b.
Proof.
  revert b; induction a as [|i a IH]; intros [|j b]; simpl; try (split; congruence).
  rewrite andb_true_iff, Nat.eqb_eq, IH.
  split; [intros [-> ->]; reflexivity | intros H; injection H; auto].
Qed.

Notation cell := (list nat * list nat)%type.
Definition cell_eqb (c d : cell) : bool := tuple_eqb (fst c) (fst d) && tuple_eqb (snd c) (snd d).

Lemma cell_eqb_eq c d : cell_eqb c d = true <-> c = d.
Proof.
  destruct c, d; unfold cell_eqb; simpl; rewrite andb_true_iff, !tuple_eqb_eq.
  split; [intros [-> ->]; reflexivity | intros H; injection H; auto].
Qed.

Definition memb (c : cell) (l : list cell) : bool := existsb (cell_eqb c) l.

Lemma memb_In c l : memb c l = true -> In c l.
Proof.
  unfold memb; rewrite existsb_exists; intros [d [Hd He]].
  apply cell_eqb_eq in He; subst; auto.
Qed.

Definition cells (s : scenario) : list cell :=
  flat_map (fun u => map (pair u) (outcomes s)) (settings s).

Lemma In_cells s u x : In (u, x) (cells s) -> In u (settings s) /\ In x (outcomes s).
Proof.
  unfold cells; rewrite in_flat_map; intros [v [Hv Hin]].
  apply in_map_iff in Hin as [y [Heq Hy]]; injection Heq as -> ->; auto.
Qed.

(** ** Linear forms over cells: lists of (coefficient, cell) *)

Definition form := list (Q * cell).
Definition eval_form (f : form) (P : box) : R :=
  sumR (fun t => Q2R (fst t) * P (fst (snd t)) (snd (snd t)))%R f.

Lemma eval_form_app f g P : eval_form (f ++ g) P = (eval_form f P + eval_form g P)%R.
Proof. apply sumR_app. Qed.

Definition scale (q : Q) (f : form) : form := map (fun t => ((q * fst t)%Q, snd t)) f.

Lemma eval_scale q f P : eval_form (scale q f) P = (Q2R q * eval_form f P)%R.
Proof.
  unfold eval_form, scale; rewrite sumR_map, <- sumR_scale.
  apply sumR_ext; intros t _; cbn [fst snd]; rewrite Q2R_mult; ring.
Qed.

(** Collecting the entries of a form cell by cell: sort by cell (the
    standard library's merge sort), then add up neighbours with equal cells. *)
Fixpoint tuple_leb (a b : list nat) : bool :=
  match a, b with
  | [], _ => true
  | _ :: _, [] => false
  | i :: a', j :: b' => Nat.ltb i j || (Nat.eqb i j && tuple_leb a' b')
  end.

Lemma tuple_leb_total a b : tuple_leb a b = true \/ tuple_leb b a = true.
Proof.
  revert b; induction a as [|i a IH]; intros [|j b]; simpl; auto.
  destruct (Nat.lt_trichotomy i j) as [H | [<- | H]].
  - left; apply Nat.ltb_lt in H; rewrite H; auto.
  - rewrite Nat.ltb_irrefl, Nat.eqb_refl; simpl; apply IH.
  - right; apply Nat.ltb_lt in H; rewrite H; auto.
Qed.

Module EntryOrder <: Orders.TotalLeBool.
  Definition t := (Q * cell)%type.
  Definition leb (e f : t) : bool :=
    if tuple_eqb (fst (snd e)) (fst (snd f)) then tuple_leb (snd (snd e)) (snd (snd f))
    else tuple_leb (fst (snd e)) (fst (snd f)).
  Theorem leb_total : forall e f, leb e f = true \/ leb f e = true.
  Proof.
    intros e f; unfold leb; destruct (tuple_eqb (fst (snd e)) (fst (snd f))) eqn:E.
    - apply tuple_eqb_eq in E; rewrite E, (proj2 (tuple_eqb_eq _ _) eq_refl).
      apply tuple_leb_total.
    - destruct (tuple_eqb (fst (snd f)) (fst (snd e))) eqn:E'.
      + apply tuple_eqb_eq in E'; rewrite E', (proj2 (tuple_eqb_eq _ _) eq_refl) in E; discriminate.
      + apply tuple_leb_total.
  Qed.
End EntryOrder.
Module EntrySort := Mergesort.Sort EntryOrder.

Lemma sumR_perm {A} (f : A -> R) l l' : Permutation l l' -> sumR f l = sumR f l'.
Proof. induction 1; simpl; try lra. Qed.

Definition push (e : Q * cell) (acc : form) : form :=
  match acc with
  | e' :: acc' => if cell_eqb (snd e) (snd e') then (Qadd (fst e) (fst e'), snd e) :: acc'
                  else e :: acc
  | [] => [e]
  end.

Definition collect (f : form) : form := fold_right push [] (EntrySort.sort f).

Lemma eval_push e acc P : eval_form (push e acc) P = eval_form (e :: acc) P.
Proof.
  destruct acc as [|e' acc]; [reflexivity |]; unfold push.
  destruct (cell_eqb (snd e) (snd e')) eqn:E; [|reflexivity].
  apply cell_eqb_eq in E; unfold eval_form; cbn [sumR fst snd].
  rewrite Q2R_Qadd, E; ring.
Qed.

Lemma eval_collect f P : eval_form (collect f) P = eval_form f P.
Proof.
  unfold collect; transitivity (eval_form (EntrySort.sort f) P).
  - generalize (EntrySort.sort f); intros l; induction l as [|e l IH]; [reflexivity |].
    cbn [fold_right]; rewrite eval_push; unfold eval_form in *; cbn [sumR]; rewrite IH; reflexivity.
  - unfold eval_form; symmetry; apply sumR_perm, EntrySort.Permuted_sort.
Qed.

Lemma collect_cells f e : In e (collect f) -> exists e', In e' f /\ snd e' = snd e.
Proof.
  unfold collect; intros H.
  assert (Hp := EntrySort.Permuted_sort f).
  enough (exists e', In e' (EntrySort.sort f) /\ snd e' = snd e) as [e' [He' Hs]]
    by (exists e'; split; [eapply Permutation_in; [symmetry; exact Hp | auto] | auto]).
  revert e H; generalize (EntrySort.sort f); clear; induction l as [|e0 l IH]; intros e H;
    [contradiction |].
  simpl in H; unfold push at 1 in H; destruct (fold_right push [] l) as [|e1 acc] eqn:E.
  - destruct H as [<- | []]; exists e0; simpl; auto.
  - destruct (cell_eqb (snd e0) (snd e1)) eqn:C.
    + destruct H as [<- | H]; [exists e0; simpl; auto |].
      destruct (IH e) as [e' [He' Hs]]; [right; auto | exists e'; simpl; auto].
    + destruct H as [<- | H]; [exists e0; simpl; auto |].
      destruct (IH e) as [e' [He' Hs]]; [auto | exists e'; simpl; auto].
Qed.

(** ** The no-signalling rows (certificate format, same order) *)

Definition norm_rows (s : scenario) : list (form * Q) :=
  map (fun u => (map (fun x => (1%Q, (u, x))) (outcomes s), 1%Q)) (settings s).

Definition ns_row (s : scenario) (i : nat) (u x : list nat) : form :=
  map (fun a => (1%Q, (u, upd x i a))) (seq 0 (nth i (outcomes_per_party s) 0))
  ++ map (fun a => ((-1)%Q, (upd u i 0, upd x i a))) (seq 0 (nth i (outcomes_per_party s) 0)).

Definition in_settings (s : scenario) (u : list nat) : bool := existsb (tuple_eqb u) (settings s).

Definition ns_rows (s : scenario) : list (form * Q) :=
  flat_map (fun i =>
    flat_map (fun u => map (fun x => (ns_row s i u x, 0%Q))
                           (filter (fun x => Nat.eqb (nth i x 0) 0) (outcomes s)))
      (filter (fun u => negb (Nat.eqb (nth i u 0) 0) && in_settings s (upd u i 0)) (settings s)))
    (seq 0 (parties s)).

Definition rows (s : scenario) : list (form * Q) := norm_rows s ++ ns_rows s.

Lemma nth_upd_neq t i a j : j <> i -> nth j (upd t i a) 0 = nth j t 0.
Proof. revert i j; induction t; intros [|i] [|j] H; simpl; auto; try lia; apply IHt; lia. Qed.

Lemma rows_valid s P : no_signalling_box s P ->
  forall f r, In (f, r) (rows s) -> eval_form f P = Q2R r.
Proof.
  intros [Hpos [Hnorm Hns]] f r Hin; apply in_app_or in Hin as [Hin | Hin].
  - apply in_map_iff in Hin as [u [Heq Hu]]; injection Heq as <- <-.
    unfold eval_form; rewrite sumR_map, Q2R_1, <- (Hnorm u Hu).
    apply sumR_ext; intros x _; simpl; rewrite Q2R_1; ring.
  - apply in_flat_map in Hin as [i [Hi Hin]]; apply in_flat_map in Hin as [u [Hu Hin]].
    apply in_map_iff in Hin as [x [Heq Hx]]; injection Heq as <- <-.
    apply filter_In in Hu as [Hu Hu']; apply andb_prop in Hu' as [_ Hu0].
    apply existsb_exists in Hu0 as [u' [Hu' Heq]]; apply tuple_eqb_eq in Heq; subst u'.
    apply filter_In in Hx as [Hx _]; apply in_seq in Hi.
    assert (H := Hns i u (upd u i 0) x ltac:(lia) Hu Hu' Hx
                   (fun j Hj => eq_sym (nth_upd_neq u i 0 j Hj))).
    unfold marginal_without in H; unfold ns_row, eval_form.
    rewrite (@sumR_app (Q * cell)%type), !sumR_map, Q2R_0; cbn [fst snd].
    rewrite (sumR_ext _ (fun a => P u (upd x i a))) by (intros; cbn [fst snd]; rewrite Q2R_1; ring).
    rewrite Q2R_m1, sumR_scale, H; ring.
Qed.

(** ** Combinations of rows: sum_r y_r (row_r . P) and sum_r y_r rhs_r *)

Definition row_at (rs : list (form * Q)) (r : nat) : form * Q := nth r rs ([], 0%Q).

Definition combination (rs : list (form * Q)) (y : list (N * Q)) : form :=
  flat_map (fun ry => scale (snd ry) (fst (row_at rs (N.to_nat (fst ry))))) y.

Definition combination_rhs (rs : list (form * Q)) (y : list (N * Q)) : Q :=
  fold_right (fun ry acc => (snd ry * snd (row_at rs (N.to_nat (fst ry))) + acc)%Q) 0%Q y.

Lemma row_at_cases rs r : In (row_at rs r) rs \/ row_at rs r = ([], 0%Q).
Proof.
  unfold row_at; destruct (Nat.lt_ge_cases r (length rs)).
  - left; apply nth_In; auto.
  - right; apply nth_overflow; auto.
Qed.

Lemma eval_combination rs y P : (forall f r, In (f, r) rs -> eval_form f P = Q2R r) ->
  eval_form (combination rs y) P = Q2R (combination_rhs rs y).
Proof.
  intros Hrs; unfold combination, combination_rhs.
  induction y as [|[r q] y IH]; cbn [flat_map fold_right fst snd].
  { unfold eval_form; cbn [sumR]; rewrite Q2R_0; reflexivity. }
  rewrite eval_form_app, eval_scale, IH, Q2R_plus, Q2R_mult; f_equal; f_equal.
  destruct (row_at_cases rs (N.to_nat r)) as [H | H];
    [destruct (row_at rs (N.to_nat r)); apply Hrs; auto |].
  rewrite H; unfold eval_form; cbn [fst snd sumR]; rewrite Q2R_0; reflexivity.
Qed.

(** ** Facts about a scenario, checked once by computation *)

Definition rows_in_cells (s : scenario) : bool :=
  let cs := cells s in forallb (fun fr => forallb (fun t => memb (snd t) cs) (fst fr)) (rows s).

Definition scenario_ok (s : scenario) : bool := rows_in_cells s.

Lemma combination_in_cells s y : scenario_ok s = true ->
  forall t, In t (combination (rows s) y) -> In (snd t) (cells s).
Proof.
  intros Hs t Hin; unfold scenario_ok in Hs.
  apply in_flat_map in Hin as [[r q] [_ Hin]]; apply in_map_iff in Hin as [t' [<- Ht']].
  destruct (row_at_cases (rows s) (N.to_nat (fst (r, q)))) as [H | H];
    [| rewrite H in Ht'; contradiction].
  unfold rows_in_cells in Hs; cbv zeta in Hs; rewrite forallb_forall in Hs.
  specialize (Hs _ H); rewrite forallb_forall in Hs; exact (memb_In _ _ (Hs t' Ht')).
Qed.

(** ** Inequality certificates: P(t) <= bound + slope * (C.P) on the polytope *)

Definition expr_form (s : scenario) (C : list nat -> list nat -> Q) : form :=
  filter (fun e => negb (Qeq_bool (fst e) 0)) (map (fun c => (C (fst c) (snd c), c)) (cells s)).

Lemma eval_expr_form s C P : eval_form (expr_form s C) P = expectation s C P.
Proof.
  transitivity (eval_form (map (fun c => (C (fst c) (snd c), c)) (cells s)) P).
  - unfold expr_form; generalize (map (fun c => (C (fst c) (snd c), c)) (cells s)).
    induction l as [|e l IH]; [reflexivity |]; cbn [filter].
    destruct (Qeq_bool (fst e) 0) eqn:E; cbn [negb]; unfold eval_form in *; cbn [sumR];
      rewrite IH; [apply Qeq_bool_R in E; rewrite E, Q2R_0; ring | reflexivity].
  - unfold eval_form, expectation, cells; rewrite sumR_map, sumR_flat_map.
    apply sumR_ext; intros u _; rewrite sumR_map; reflexivity.
Qed.

(** Sparse vectors: strictly increasing indices below n, no zero values. *)
Fixpoint sparse_ok_from (lo n : N) (v : list (N * Q)) : bool :=
  match v with
  | [] => true
  | (i, q) :: v' => N.leb lo i && N.ltb i n && negb (Qeq_bool q 0) && sparse_ok_from (N.succ i) n v'
  end.

(** A certificate bounds P(x|u) for a target cell (u, x), or bounds 0 when it
    has no target (then it proves a lower bound on C.P). *)
Definition at_target (t : option cell) (P : box) : R :=
  match t with Some c => P (fst c) (snd c) | None => 0%R end.
Definition target_form (t : option cell) : form :=
  match t with Some c => [((-1)%Q, c)] | None => [] end.
Definition target_ok (cs : list cell) (t : option cell) : bool :=
  match t with Some c => memb c cs | None => true end.

Lemma eval_target_form t P : eval_form (target_form t) P = (- at_target t P)%R.
Proof. destruct t; unfold eval_form; simpl; [rewrite Q2R_m1 |]; ring. Qed.

(** s_j = sum_r y_r A[r][j] - [j = t] + slope * C_j, as a form over cells.
    [rs], [cs] and [ef] are [rows s], [cells s] and [expr_form s C], computed
    once per certificate file rather than once per inequality. *)
Definition residual rs ef (t : option cell) (slope : Q) (y : list (N * Q)) : form :=
  combination rs y ++ target_form t ++ scale slope ef.

(** The certificate (bound, y) for target t and slope is valid: every s_j >= 0
    and bound = sum_r y_r rhs_r (1 on normalisation rows, 0 on the others). *)
Definition check_ineq_with rs cs ef (t : option cell) (slope bound : Q) (y : list (N * Q)) : bool :=
  sparse_ok_from 0 (N.of_nat (length rs)) y && target_ok cs t
  && forallb (fun e => Qle_bool 0 (fst e)) (collect (residual rs ef t slope y))
  && Qeq_bool (combination_rhs rs y) bound.

Definition check_ineq s C t slope bound y : bool :=
  check_ineq_with (rows s) (cells s) (expr_form s C) t slope bound y.

Theorem check_ineq_sound s C t slope bound y :
  scenario_ok s = true -> check_ineq s C t slope bound y = true ->
  forall P, no_signalling_box s P ->
  (at_target t P <= Q2R bound + Q2R slope * expectation s C P)%R.
Proof.
  intros Hs Hc P HP; unfold check_ineq, check_ineq_with in Hc; rewrite !andb_true_iff in Hc.
  destruct Hc as [[[_ Ht] Hnn] Hb]; rewrite forallb_forall in Hnn.
  assert (Hin : forall e, In e (residual (rows s) (expr_form s C) t slope y) -> In (snd e) (cells s)).
  { unfold residual; intros e Hin; apply in_app_or in Hin as [Hin | Hin];
      [| apply in_app_or in Hin as [Hin | Hin]].
    - apply (combination_in_cells s y Hs); auto.
    - destruct t as [c |]; simpl in Hin; [| contradiction].
      destruct Hin as [<- | []]; apply memb_In; exact Ht.
    - unfold scale, expr_form in Hin; apply in_map_iff in Hin as [e' [<- He']].
      apply filter_In in He' as [He' _]; apply in_map_iff in He' as [c [<- Hc]]; auto. }
  assert (Hsum : (0 <= eval_form (residual (rows s) (expr_form s C) t slope y) P)%R).
  { rewrite <- eval_collect; apply sumR_nonneg; intros e He; apply Rmult_le_pos.
    - rewrite <- Q2R_0; apply Qle_bool_R, Hnn, He.
    - destruct (collect_cells _ _ He) as [e' [He' Hse]]; specialize (Hin e' He').
      rewrite Hse in Hin; destruct (snd e) as [u x]; apply In_cells in Hin.
      destruct HP as [Hpos _]; apply Hpos; tauto. }
  unfold residual in Hsum; rewrite !eval_form_app, eval_combination in Hsum
    by (apply rows_valid; auto).
  rewrite eval_target_form, eval_scale, eval_expr_form, (Qeq_bool_R _ _ Hb) in Hsum; lra.
Qed.

(** ** Witness boxes, stored as sparse vectors over cell indices *)

(** The position of a tuple t in [tuples ns] (Horner's rule). *)
Fixpoint tuple_index_from (acc : nat) (ns t : list nat) : nat :=
  match ns, t with
  | n :: ns', a :: t' => tuple_index_from (acc * n + a) ns' t'
  | _, _ => acc
  end.
Definition tuple_index (ns t : list nat) : nat := tuple_index_from 0 ns t.

(** The dense vector (v_k, ..., v_{n-1}) of a sparse vector with indices >= k. *)
Fixpoint densify_from (k : N) (n : nat) (v : list (N * Q)) : list Q :=
  match n with
  | 0 => []
  | S n' => match v with
            | (i, q) :: v' => if N.eqb i k then q :: densify_from (N.succ k) n' v'
                              else 0%Q :: densify_from (N.succ k) n' v
            | [] => 0%Q :: densify_from (N.succ k) n' []
            end
  end.

Fixpoint chunks (k : nat) (l : list Q) (count : nat) : list (list Q) :=
  match count with 0 => [] | S c => firstn k l :: chunks k (skipn k l) c end.

(** A stored box: P(x|u) is the entry of index (index of u) * (number of
    outcome tuples) + (index of x), read from a table with one row per u. *)
Definition qbox (s : scenario) (w : list (N * Q)) : list nat -> list nat -> Q :=
  let width := fold_right Nat.mul 1 (outcomes_per_party s) in
  let table := chunks width (densify_from 0%N (length (cells s)) w) (length (settings s)) in
  fun u x => nth (tuple_index (outcomes_per_party s) x)
                 (nth (tuple_index (settings_per_party s) u) table []) 0%Q.

Definition rbox (s : scenario) (w : list (N * Q)) : box := fun u x => Q2R (qbox s w u x).


(** The definition of [no_signalling_box], as a boolean over finite lists. *)
Definition marginal_withoutQ s i (W : list nat -> list nat -> Q) (u x : list nat) : Q :=
  fold_right (fun a acc => W u (upd x i a) + acc)%Q 0%Q (seq 0 (nth i (outcomes_per_party s) 0)).

Lemma Q2R_marginal_withoutQ s i W u x :
  Q2R (marginal_withoutQ s i W u x) = marginal_without s i (fun u x => Q2R (W u x)) u x.
Proof.
  unfold marginal_withoutQ, marginal_without.
  induction (seq 0 (nth i (outcomes_per_party s) 0)) as [|a l IH]; simpl.
  - apply Q2R_0.
  - rewrite Q2R_plus, IH; reflexivity.
Qed.

Definition tuple_ltb (a b : list nat) : bool := tuple_leb a b && negb (tuple_eqb a b).

Lemma tuple_ltb_cases a b : a = b \/ tuple_ltb a b = true \/ tuple_ltb b a = true.
Proof.
  destruct (tuple_eqb a b) eqn:E; [left; apply tuple_eqb_eq; auto | right].
  assert (E' : tuple_eqb b a = false)
    by (apply not_true_iff_false; intros H; apply tuple_eqb_eq in H; subst;
        rewrite (proj2 (tuple_eqb_eq a a) eq_refl) in E; discriminate).
  unfold tuple_ltb; rewrite E, E'; simpl; rewrite !andb_true_r; apply tuple_leb_total.
Qed.

Definition agree_except (js : list nat) (i : nat) (u u' : list nat) : bool :=
  forallb (fun j => Nat.eqb j i || Nat.eqb (nth j u 0) (nth j u' 0)) js.

Definition ns_boxb (s : scenario) (W : list nat -> list nat -> Q) : bool :=
  let us := settings s in
  let xs := outcomes s in
  let js := seq 0 (parties s) in
  forallb (fun u => forallb (fun x => Qle_bool 0 (W u x)) xs) us
  && forallb (fun u => Qeq_bool (sumQ (W u) xs) 1) us
  && forallb (fun i => forallb (fun u => forallb (fun u' =>
        if agree_except js i u u' && tuple_ltb u u'
        then forallb (fun x => Qeq_bool (marginal_withoutQ s i W u x)
                                        (marginal_withoutQ s i W u' x)) xs
        else true)
      us) us) js.

Lemma ns_boxb_sound s W : ns_boxb s W = true -> no_signalling_box s (fun u x => Q2R (W u x)).
Proof.
  unfold ns_boxb; cbv zeta; rewrite !andb_true_iff, !forallb_forall; intros [[Hpos Hnorm] Hns].
  split; [|split].
  - intros u x Hu Hx; rewrite <- Q2R_0; apply Qle_bool_R.
    specialize (Hpos u Hu); rewrite forallb_forall in Hpos; auto.
  - intros u Hu; rewrite <- Q2R_1, <- Qeq_bool_R with (p := sumQ (W u) (outcomes s)); auto.
    rewrite Q2R_sumQ; reflexivity.
  - assert (Hone : forall i u u' x, i < parties s -> In u (settings s) -> In u' (settings s) ->
              In x (outcomes s) -> (forall j, j <> i -> nth j u 0 = nth j u' 0) ->
              tuple_ltb u u' = true ->
              marginal_without s i (fun u x => Q2R (W u x)) u x
              = marginal_without s i (fun u x => Q2R (W u x)) u' x).
    { intros i u u' x Hi Hu Hu' Hx Hagree Hlt.
      specialize (Hns i ltac:(apply in_seq; lia)); rewrite forallb_forall in Hns.
      specialize (Hns u Hu); rewrite forallb_forall in Hns; specialize (Hns u' Hu').
      replace (agree_except (seq 0 (parties s)) i u u') with true in Hns;
        rewrite Hlt in Hns; cbn [andb] in Hns.
      - rewrite forallb_forall in Hns; specialize (Hns x Hx); apply Qeq_bool_R in Hns.
        rewrite !Q2R_marginal_withoutQ in Hns; exact Hns.
      - symmetry; unfold agree_except; rewrite forallb_forall; intros j _.
        destruct (Nat.eq_dec j i) as [-> | Hj]; [rewrite Nat.eqb_refl; auto |].
        rewrite Hagree, Nat.eqb_refl, orb_true_r; auto. }
    intros i u u' x Hi Hu Hu' Hx Hagree.
    destruct (tuple_ltb_cases u u') as [<- | [Hlt | Hlt]]; [reflexivity | auto |].
    symmetry; apply Hone; auto; intros j Hj; symmetry; auto.
Qed.

Definition expectationQ s (C : list nat -> list nat -> Q) (W : list nat -> list nat -> Q) : Q :=
  let xs := outcomes s in sumQ (fun u => sumQ (fun x => (C u x * W u x)%Q) xs) (settings s).

Lemma expectationQ_R s C W : Q2R (expectationQ s C W) = expectation s C (fun u x => Q2R (W u x)).
Proof.
  unfold expectationQ, expectation; cbv zeta; rewrite Q2R_sumQ; apply sumR_ext; intros u _.
  rewrite Q2R_sumQ; apply sumR_ext; intros x _; apply Q2R_mult.
Qed.

Definition check_witness s C (t : cell) (w : list (N * Q)) (delta value : Q) : bool :=
  sparse_ok_from 0 (N.of_nat (length (cells s))) w && ns_boxb s (qbox s w)
  && Qle_bool (expectationQ s C (qbox s w)) delta
  && Qeq_bool (qbox s w (fst t) (snd t)) value.

Lemma check_witness_sound s C t w delta value : check_witness s C t w delta value = true ->
  no_signalling_box s (rbox s w) /\ (expectation s C (rbox s w) <= Q2R delta)%R
  /\ rbox s w (fst t) (snd t) = Q2R value.
Proof.
  unfold check_witness; rewrite !andb_true_iff; intros [[[_ Hns] Hle] Heq]; split; [|split].
  - apply ns_boxb_sound; auto.
  - unfold rbox; rewrite <- expectationQ_R; apply Qle_bool_R; auto.
  - apply Qeq_bool_R; auto.
Qed.

(** Equality of two stored vectors, entry by entry (used to check a witness
    box once when a certificate lists it twice). *)
Fixpoint vector_eqb (v w : list (N * Q)) : bool :=
  match v, w with
  | [], [] => true
  | (i, p) :: v', (j, q) :: w' =>
      N.eqb i j && Z.eqb (Qnum p) (Qnum q) && Pos.eqb (Qden p) (Qden q) && vector_eqb v' w'
  | _, _ => false
  end.

Lemma vector_eqb_eq v w : vector_eqb v w = true -> v = w.
Proof.
  revert w; induction v as [|[i [p p']] v IH]; intros [|[j [q q']] w]; simpl; try discriminate; auto.
  rewrite !andb_true_iff, N.eqb_eq, Z.eqb_eq, Pos.eqb_eq; intros [[[-> ->] ->] H].
  rewrite (IH w H); reflexivity.
Qed.

(** ** Value functions (certificate format, "Value function") *)

Record piece := { pc_constant : Q; pc_slope : Q; pc_bound : Q; pc_multipliers : list (N * Q) }.
Record breakpoint := { bp_delta : Q; bp_value : Q; bp_witness : list (N * Q) }.

Definition line (p : piece) (d : Q) : Q := (pc_constant p + pc_slope p * d)%Q.

Fixpoint segments_ok (bps : list breakpoint) (pcs : list piece) : bool :=
  match bps, pcs with
  | [b], [p] => Qeq_bool (pc_slope p) 0 && Qeq_bool (pc_constant p) (bp_value b)
  | b :: ((b' :: _) as bps'), p :: pcs' =>
      negb (Qle_bool (bp_delta b') (bp_delta b))
      && Qeq_bool (line p (bp_delta b)) (bp_value b)
      && Qeq_bool (line p (bp_delta b')) (bp_value b') && segments_ok bps' pcs'
  | _, _ => false
  end.

Fixpoint slopes_decreasing (pcs : list piece) : bool :=
  match pcs with
  | p :: ((p' :: _) as rest) => negb (Qle_bool (pc_slope p) (pc_slope p')) && slopes_decreasing rest
  | _ => true
  end.

Definition check_value_function_with rs cs ef s C (t : cell) (bps : list breakpoint)
    (pcs : list piece) : bool :=
  match bps with [] => false | b0 :: _ => Qeq_bool (bp_delta b0) 0 end
  && segments_ok bps pcs && slopes_decreasing pcs
  && forallb (fun p => Qle_bool 0 (pc_slope p) && Qeq_bool (pc_bound p) (pc_constant p)
                       && check_ineq_with rs cs ef (Some t) (pc_slope p) (pc_bound p)
                                          (pc_multipliers p)) pcs
  && forallb (fun b => check_witness s C t (bp_witness b) (bp_delta b) (bp_value b)) bps.

Definition check_value_function s C t bps pcs : bool :=
  check_value_function_with (rows s) (cells s) (expr_form s C) s C t bps pcs.

Lemma check_value_function_witness rs cs ef s C t bps pcs b :
  check_value_function_with rs cs ef s C t bps pcs = true -> In b bps ->
  check_witness s C t (bp_witness b) (bp_delta b) (bp_value b) = true.
Proof.
  unfold check_value_function_with; rewrite !andb_true_iff; intros [_ H] Hb.
  rewrite forallb_forall in H; exact (H b Hb).
Qed.

Definition envelope_of (pcs : list piece) : list (R * R) :=
  map (fun p => (qr (pc_constant p), qr (pc_slope p))) pcs.

Lemma envelope_le lines d c sl : In (c, sl) lines -> (lower_envelope lines d <= c + sl * d)%R.
Proof.
  induction lines as [|[c0 s0] lines IH]; simpl; [contradiction |]; intros [H | H].
  - injection H as -> ->; destruct lines; [lra | apply Rmin_l].
  - destruct lines; [contradiction | eapply Rle_trans; [apply Rmin_r | auto]].
Qed.

Lemma envelope_ge lines d v : lines <> [] ->
  (forall c sl, In (c, sl) lines -> v <= c + sl * d)%R -> (v <= lower_envelope lines d)%R.
Proof.
  induction lines as [|[c0 s0] lines IH]; intros Hne H; [congruence |].
  simpl; destruct lines; [apply H; left; auto |].
  apply Rmin_glb; [apply H; left; auto | apply IH; [congruence | intros; apply H; right; auto]].
Qed.

Definition mix (a : R) (P P' : box) : box := fun u x => ((1 - a) * P u x + a * P' u x)%R.

Lemma mix_sumR {A} a (f g : A -> R) l :
  sumR (fun z => (1 - a) * f z + a * g z)%R l = ((1 - a) * sumR f l + a * sumR g l)%R.
Proof. rewrite sumR_plus, !sumR_scale; reflexivity. Qed.

Lemma mix_ns s a P P' : (0 <= a <= 1)%R -> no_signalling_box s P -> no_signalling_box s P' ->
  no_signalling_box s (mix a P P').
Proof.
  intros Ha [Hp [Hn Hs]] [Hp' [Hn' Hs']]; unfold mix; split; [|split].
  - intros u x Hu Hx; specialize (Hp u x Hu Hx); specialize (Hp' u x Hu Hx); nra.
  - intros u Hu; rewrite mix_sumR, Hn, Hn'; auto; ring.
  - intros i u u' x Hi Hu Hu' Hx Hag; unfold marginal_without; rewrite !mix_sumR.
    specialize (Hs i u u' x Hi Hu Hu' Hx Hag); specialize (Hs' i u u' x Hi Hu Hu' Hx Hag).
    unfold marginal_without in Hs, Hs'; rewrite Hs, Hs'; reflexivity.
Qed.

Lemma mix_expectation s C a P P' :
  expectation s C (mix a P P') = ((1 - a) * expectation s C P + a * expectation s C P')%R.
Proof.
  unfold expectation, mix; rewrite <- mix_sumR; apply sumR_ext; intros u _.
  rewrite <- mix_sumR; apply sumR_ext; intros x _; ring.
Qed.

Lemma attained s C t : forall bps pcs,
  segments_ok bps pcs = true ->
  forallb (fun b => check_witness s C t (bp_witness b) (bp_delta b) (bp_value b)) bps = true ->
  forall d, (match bps with [] => False | b :: _ => Q2R (bp_delta b) <= d end)%R ->
  exists p P, In p pcs /\ no_signalling_box s P /\ (expectation s C P <= d)%R
              /\ P (fst t) (snd t) = (Q2R (pc_constant p) + Q2R (pc_slope p) * d)%R.
Proof.
  induction bps as [|b bps IH]; intros pcs Hseg Hw d Hd; [contradiction |].
  simpl in Hw; apply andb_prop in Hw as [Hwb Hw].
  destruct (check_witness_sound _ _ _ _ _ _ Hwb) as [HW [HWe HWt]].
  destruct bps as [|b' bps]; destruct pcs as [|p pcs]; try discriminate.
  - destruct pcs; [|discriminate]; simpl in Hseg; apply andb_prop in Hseg as [H0 H1].
    exists p, (rbox s (bp_witness b)); split; [left; auto |]; split; [auto | split; [lra |]].
    rewrite HWt, (Qeq_bool_R _ _ H0), (Qeq_bool_R _ _ H1), Q2R_0; ring.
  - simpl in Hseg; rewrite !andb_true_iff in Hseg; destruct Hseg as [[[Hlt H0] H1] Hseg].
    apply Qlt_bool_R in Hlt; apply Qeq_bool_R in H0; apply Qeq_bool_R in H1.
    unfold line in H0, H1; rewrite Q2R_plus, Q2R_mult in H0, H1.
    simpl in Hw; apply andb_prop in Hw as [Hwb' Hw'].
    destruct (Rle_lt_dec d (Q2R (bp_delta b'))) as [Hle | Hgt].
    + destruct (check_witness_sound _ _ _ _ _ _ Hwb') as [HW' [HWe' HWt']].
      set (d0 := Q2R (bp_delta b)) in *; set (d1 := Q2R (bp_delta b')) in *.
      set (a := ((d - d0) / (d1 - d0))%R).
      assert (Ha : (a * (d1 - d0) = d - d0)%R) by (unfold a; field; lra).
      assert (Ha0 : (0 <= a)%R) by (unfold a; apply Rmult_le_pos; [lra |];
                                     left; apply Rinv_0_lt_compat; lra).
      assert (Ha1 : (a <= 1)%R) by nra.
      exists p, (mix a (rbox s (bp_witness b)) (rbox s (bp_witness b'))).
      split; [left; auto |]; split; [apply mix_ns; auto |]; split.
      * rewrite mix_expectation; nra.
      * unfold mix; rewrite HWt, HWt', <- H0, <- H1; nra.
    + destruct (IH pcs Hseg (andb_true_intro (conj Hwb' Hw')) d ltac:(lra))
        as [p' [P [Hp' HP]]].
      exists p', P; split; [right; auto | auto].
Qed.

Theorem check_value_function_sound s C t bps pcs :
  scenario_ok s = true -> check_value_function s C t bps pcs = true ->
  max_output s C (fst t) (snd t) (lower_envelope (envelope_of pcs)).
Proof.
  intros Hs Hc; unfold check_value_function, check_value_function_with in Hc.
  rewrite !andb_true_iff in Hc.
  destruct Hc as [[[[H0 Hseg] _] Hpcs] Hbps].
  assert (Hne : envelope_of pcs <> []).
  { destruct bps as [|b [|b' bps]]; destruct pcs; simpl in Hseg; discriminate. }
  intros d Hd; split.
  - intros P HP HPd; apply envelope_ge; auto; intros c sl Hin.
    unfold envelope_of in Hin; apply in_map_iff in Hin as [p [Heq Hp]]; injection Heq as <- <-.
    rewrite forallb_forall in Hpcs; specialize (Hpcs p Hp); rewrite !andb_true_iff in Hpcs.
    destruct Hpcs as [[Hsl Hb] Hineq]; apply Qle_bool_R in Hsl; rewrite Q2R_0 in Hsl.
    rewrite !qr_Q2R, <- (Qeq_bool_R _ _ Hb).
    eapply Rle_trans; [apply (check_ineq_sound s C (Some t) _ _ _ Hs Hineq P HP) |].
    apply Rplus_le_compat_l, Rmult_le_compat_l; auto.
  - destruct bps as [|b bps]; [discriminate |].
    destruct (attained s C t (b :: bps) pcs Hseg Hbps d
                ltac:(apply Qeq_bool_R in H0; rewrite Q2R_0 in H0; simpl; lra))
      as [p [P [Hp [HP [HPd HPt]]]]].
    exists P; split; [auto | split; [auto |]]; apply Rle_antisym.
    + apply envelope_ge; auto; intros c sl Hin.
      unfold envelope_of in Hin; apply in_map_iff in Hin as [p' [Heq Hp']]; injection Heq as <- <-.
      rewrite forallb_forall in Hpcs; specialize (Hpcs p' Hp'); rewrite !andb_true_iff in Hpcs.
      destruct Hpcs as [[Hsl Hb] Hineq]; apply Qle_bool_R in Hsl; rewrite Q2R_0 in Hsl.
      rewrite !qr_Q2R, <- (Qeq_bool_R _ _ Hb).
      eapply Rle_trans; [apply (check_ineq_sound s C (Some t) _ _ _ Hs Hineq P HP) |].
      apply Rplus_le_compat_l, Rmult_le_compat_l; auto.
    + rewrite HPt, <- !qr_Q2R; apply envelope_le.
      unfold envelope_of; apply in_map_iff; exists p; auto.
Qed.
