// A drift report: one run of a monitor for one model — the windows compared and the verdict.
import { createHash } from 'node:crypto';
import type { DriftVerdict } from './verdict';

/** The reference a report compared against. */
export interface ReportReference {
  profileId: string;
  /** The window the profile summarises; absent for an uploaded profile. */
  fromMs?: number;
  toMs?: number;
  description: string;
}

/** One drift run's report, as stored and served. */
export interface DriftReport {
  id: string;
  model: string;
  /** The version most requests of the current window were served by ('' without requests). */
  modelVersion: string;
  monitor: string;
  createdAtMs: number;
  current: { fromMs: number; toMs: number };
  reference: ReportReference;
  verdict: DriftVerdict;
}

/**
 * Returns the id of the report of `monitor` for `model` over the current window (replay-stable):
 * readable parts, then a hash of the exact monitor, model and window, so that names which read
 * alike once sanitised (`org/m`, `org:m`) never share an id.
 */
export function reportId(
  monitor: string,
  model: string,
  current: { fromMs: number; toMs: number },
) {
  const at = new Date(current.toMs).toISOString().replace(/[-:]/g, '').replace('.000', '');
  const hash = createHash('sha256')
    .update(JSON.stringify([monitor, model, current.fromMs, current.toMs]))
    .digest('hex')
    .slice(0, 12);
  const readable = `${monitor}_${model}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 80);
  return `drift_${readable}_${at}_${hash}`;
}
