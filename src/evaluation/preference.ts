// Held-out preference metrics from sequence log-probabilities. The implicit reward of DPO
// (Rafailov et al. 2023, eq. 5) is r(x, y) = β · (log πθ(y|x) − log πref(y|x)); a pair is
// ranked right when r(chosen) > r(rejected), and its margin is r(chosen) − r(rejected).

/** Summed log-probabilities of one pair's completions under the policy and the reference. */
export interface PairLogps {
  policyChosen: number;
  policyRejected: number;
  refChosen: number;
  refRejected: number;
}

/** Accuracy and reward statistics over a set of pairs. */
export interface PreferenceMetrics {
  pairs: number;
  /** share of pairs with r(chosen) > r(rejected); exact ties count one half */
  accuracy: number;
  /** mean r(chosen) − r(rejected) */
  margin: number;
  /** mean r(chosen) and r(rejected) */
  chosenReward: number;
  rejectedReward: number;
}

/** Implicit DPO reward β · (log πθ − log πref) of one completion. */
export function implicitReward(beta: number, policyLogp: number, refLogp: number): number {
  return beta * (policyLogp - refLogp);
}

/** Preference accuracy and margins of `pairs` at temperature `beta`. */
export function preferenceMetrics(pairs: readonly PairLogps[], beta: number): PreferenceMetrics {
  if (pairs.length === 0) {
    return {
      pairs: 0,
      accuracy: Number.NaN,
      margin: Number.NaN,
      chosenReward: Number.NaN,
      rejectedReward: Number.NaN,
    };
  }
  let correct = 0;
  let margin = 0;
  let chosen = 0;
  let rejected = 0;
  for (const p of pairs) {
    const rc = implicitReward(beta, p.policyChosen, p.refChosen);
    const rr = implicitReward(beta, p.policyRejected, p.refRejected);
    const m = rc - rr;
    // differences below float32 noise are ties
    if (Math.abs(m) <= 1e-6 * beta) correct += 0.5;
    else if (m > 0) correct += 1;
    margin += m;
    chosen += rc;
    rejected += rr;
  }
  const n = pairs.length;
  return {
    pairs: n,
    accuracy: correct / n,
    margin: margin / n,
    chosenReward: chosen / n,
    rejectedReward: rejected / n,
  };
}
