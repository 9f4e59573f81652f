// Shared evidence and config for the retrain tests.
import { type ModelRetrainConfig, parseRetrainConfig } from '../../../src/retrain/config';
import type { Evidence } from '../../../src/retrain/evidence';

/** A Standard Webhooks secret of 32 bytes. */
export const WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** When the evidence was made. */
export const AT = new Date('2026-11-28T10:00:00.000Z');

/** Drift evidence for model `fraud`: amount and country drifted, age did not. */
export function driftEvidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    model: 'fraud',
    modelVersion: 'v7',
    reason: 'features_drift',
    at: AT,
    window: { from: '2026-11-28T09:00:00.000Z', to: '2026-11-28T10:00:00.000Z' },
    reference: { from: '2026-11-20T00:00:00.000Z', to: '2026-11-27T00:00:00.000Z' },
    reportId: 'dr_0123456789abcdef',
    reportUrl: 'https://insight.example.com/drift/dr_0123456789abcdef',
    datasetDrift: false,
    features: [
      {
        name: 'amount',
        method: 'ks',
        statistic: 0.31,
        pValue: 0.0001,
        threshold: 0.05,
        drifted: true,
      },
      {
        name: 'country',
        method: 'psi',
        statistic: 0.27,
        pValue: null,
        threshold: 0.1,
        drifted: true,
      },
      { name: 'age', method: 'ks', statistic: 0.02, pValue: 0.8, threshold: 0.05, drifted: false },
    ],
    ...overrides,
  };
}

/** SLO evidence: `accuracy` burning at `severity`. */
export function sloEvidence(severity: 'page' | 'ticket' = 'page', slo = 'accuracy'): Evidence {
  return {
    model: 'fraud',
    modelVersion: 'v7',
    reason: 'slo_burn',
    at: AT,
    window: { from: '2026-11-28T09:00:00.000Z', to: '2026-11-28T10:00:00.000Z' },
    features: [],
    slo: { name: slo, severity, burnRates: { '1h': 14.6, '5m': 15.1 } },
  };
}

/** Returns the parsed entry of model `fraud` for `entry` (the YAML value, as JS). */
export function modelConfig(entry: Record<string, unknown>): ModelRetrainConfig {
  const config = parseRetrainConfig({ fraud: entry }, []);
  const model = config.get('fraud');
  if (model === undefined) throw new Error('no entry');
  return model;
}
