// Which SLO x model pairs the SLO job evaluates. Pure.
import { defaultSlos } from './defaults';
import { EVERY_MODEL, type SloSpec } from './spec';

/** One SLO for one model. */
export interface SloTarget {
  spec: SloSpec;
  model: string;
}

/**
 * Returns the SLO x model pairs to evaluate: each configured SLO for its model (if seen) or, for
 * `*`, for every model seen; with no SLO configured, the defaults for every model seen.
 */
export function sloTargets(
  configured: readonly SloSpec[],
  modelsSeen: readonly string[],
): SloTarget[] {
  const specs = configured.length > 0 ? configured : defaultSlos(EVERY_MODEL);
  const seen = new Set(modelsSeen);
  return specs.flatMap((spec) =>
    spec.model === EVERY_MODEL
      ? modelsSeen.map((model) => ({ spec, model }))
      : seen.has(spec.model)
        ? [{ spec, model: spec.model }]
        : [],
  );
}

/** Returns the targets grouped per SLO, in order: each SLO with the models it is evaluated for. */
export function sloGroups(targets: readonly SloTarget[]): { spec: SloSpec; models: string[] }[] {
  const groups = new Map<SloSpec, string[]>();
  for (const { spec, model } of targets) {
    const models = groups.get(spec);
    if (models === undefined) groups.set(spec, [model]);
    else models.push(model);
  }
  return [...groups].map(([spec, models]) => ({ spec, models }));
}
