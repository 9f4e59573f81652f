// What the drift and SLO jobs hand to the retrainer: why a model may need retraining, with the
// numbers behind it. Plain data, built by the job; the policy decides whether it triggers.

/** Why a retrain is asked for: the dataset drifted, enough named features drifted, or a quality SLO burns. */
export type RetrainReason = 'dataset_drift' | 'features_drift' | 'slo_burn';

/** The retrain reasons, in the order the policy tries drift conditions. */
export const RETRAIN_REASONS: readonly RetrainReason[] = [
  'dataset_drift',
  'features_drift',
  'slo_burn',
];

/** A window as the job saw it: ISO 8601 times, `from` inclusive, `to` exclusive. */
export interface EvidenceWindow {
  from: string;
  to: string;
}

/** One feature's drift test in the current window against the reference. */
export interface FeatureDrift {
  name: string;
  /** The test, e.g. `ks`, `psi`, `chi2`, `wasserstein`. */
  method: string;
  /** null when the test could not run (too few values). */
  statistic: number | null;
  pValue: number | null;
  threshold: number;
  drifted: boolean;
}

/**
 * One piece of evidence about one model. `window` identifies it: the same model, reason and
 * window never trigger twice. Drift evidence (`dataset_drift` or `features_drift`) is judged
 * against both drift conditions; `slo_burn` evidence carries `slo`.
 */
export interface Evidence {
  model: string;
  modelVersion: string | null;
  reason: RetrainReason;
  /** When the job produced it. */
  at: Date;
  /** The window judged (the drift job's current window, the SLO job's evaluation window). */
  window: EvidenceWindow;
  /** What the window was compared with: another window, or a named reference profile. */
  reference?: EvidenceWindow | { profile: string };
  reportId?: string;
  reportUrl?: string;
  /** The drift report's verdict for the dataset as a whole. */
  datasetDrift?: boolean;
  /** Every feature tested (drifted or not); an empty list for SLO evidence. */
  features: FeatureDrift[];
  slo?: {
    name: string;
    severity: 'page' | 'ticket';
    /** Burn rate per alerting window (`1h`, `5m`, …); null when the window had no events. */
    burnRates: Record<string, number | null>;
  };
}
