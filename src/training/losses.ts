// Preference losses on sequence log-probabilities, one switch over the variants, each citing its
// paper. Inputs are per-pair summed log-probs of the policy and the frozen reference model;
// h = (log πθ(y_w) − log πref(y_w)) − (log πθ(y_l) − log πref(y_l)) is the implicit-reward margin.
import { nn, np } from "../engine/index.js";

/** The preference loss variants. */
export const lossTypes = ["sigmoid", "ipo", "hinge", "apo_zero", "apo_down"] as const;

/** One of `lossTypes`. */
export type LossType = (typeof lossTypes)[number];

/** Per-pair sequence log-probabilities, each [P]. */
export interface PairLogps {
  policyChosen: np.Array;
  policyRejected: np.Array;
  refChosen: np.Array;
  refRejected: np.Array;
}

/** Options of `preferenceLoss`. */
export interface PreferenceLossOptions {
  type: LossType;
  /** β: the strength of the KL anchor to the reference */
  beta: number;
  /** label smoothing ε of the sigmoid loss (conservative DPO); default 0 */
  labelSmoothing?: number;
}

/**
 * Per-pair loss [P] (consumes its inputs). With h the margin above and β the temperature:
 * - sigmoid: −(1−ε) log σ(βh) − ε log σ(−βh) (DPO; Rafailov et al. 2023, eq. 7)
 * - ipo: (h − 1/(2β))² (IPO; Azar et al. 2023, the empirical IPO loss)
 * - hinge: max(0, 1 − βh) (SLiC-HF calibration loss; Zhao et al. 2023, with margin δ = 1/β)
 * - apo_zero: (1 − σ(β r_w)) + σ(β r_l), with r = log πθ − log πref (APO-zero;
 *   D'Oosterlinck et al. 2024): pushes chosen likelihood up and rejected down
 * - apo_down: σ(β r_w) + (1 − σ(β (r_w − r_l))) (APO-down; same paper): lowers both while
 *   widening the gap, for when the chosen answers are not better than the model's own
 */
export function preferenceLoss(logps: PairLogps, options: PreferenceLossOptions): np.Array {
  const { beta } = options;
  const chosenRatio = logps.policyChosen.sub(logps.refChosen); // r_w
  const rejectedRatio = logps.policyRejected.sub(logps.refRejected); // r_l
  switch (options.type) {
    case "sigmoid": {
      const eps = options.labelSmoothing ?? 0;
      const z = chosenRatio.sub(rejectedRatio).mul(beta);
      const main = nn.logSigmoid(z.ref).mul(-(1 - eps));
      if (eps === 0) {
        z.dispose();
        return main;
      }
      return main.sub(nn.logSigmoid(z.neg()).mul(eps));
    }
    case "ipo": {
      const d = chosenRatio.sub(rejectedRatio).sub(1 / (2 * beta));
      return d.ref.mul(d);
    }
    case "hinge":
      return nn.relu(np.subtract(1, chosenRatio.sub(rejectedRatio).mul(beta)));
    case "apo_zero":
      return np
        .subtract(1, nn.sigmoid(chosenRatio.mul(beta)))
        .add(nn.sigmoid(rejectedRatio.mul(beta)));
    case "apo_down": {
      const gap = chosenRatio.ref.sub(rejectedRatio).mul(beta);
      return nn.sigmoid(chosenRatio.mul(beta)).add(np.subtract(1, nn.sigmoid(gap)));
    }
  }
}
