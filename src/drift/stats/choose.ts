// Evidently's default drift test per column (get_default_stattest in its stattests registry)
// and the drift decision for a result.
export type DriftMethod = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon';

export interface DriftRule {
  method: DriftMethod;
  threshold: number;
  /** p_below: drift when pValue < threshold; statistic_at_least: drift when statistic >= threshold. */
  direction: 'p_below' | 'statistic_at_least';
}

const SMALL_REFERENCE_ROWS = 1000;
const FEW_NUMERIC_VALUES = 5;

const pRule = (method: DriftMethod): DriftRule => ({
  method,
  threshold: 0.05,
  direction: 'p_below',
});
const distanceRule = (method: DriftMethod): DriftRule => ({
  method,
  threshold: 0.1,
  direction: 'statistic_at_least',
});

/**
 * Returns Evidently's default test and threshold. Reference <= 1000 rows: 'ks' (numeric),
 * 'z' (binary: <= 2 categories) or 'chisquare' at p < 0.05. Larger: normed 'wasserstein'
 * (numeric) or 'jensenshannon' at distance >= 0.1. `categories` = distinct values in reference
 * and current together; a numeric column with <= 5 of them is treated as categorical, as Evidently.
 */
export function defaultMethod(
  kind: 'numeric' | 'categorical',
  referenceN: number,
  categories?: number,
): DriftRule {
  if (!Number.isInteger(referenceN) || referenceN < 0) {
    throw new RangeError(`referenceN must be a non-negative integer, got ${referenceN}`);
  }
  if (categories !== undefined && (!Number.isInteger(categories) || categories < 0)) {
    throw new RangeError(`categories must be a non-negative integer, got ${categories}`);
  }
  const numeric =
    kind === 'numeric' && (categories === undefined || categories > FEW_NUMERIC_VALUES);
  if (referenceN > SMALL_REFERENCE_ROWS)
    return distanceRule(numeric ? 'wasserstein' : 'jensenshannon');
  if (numeric) return pRule('ks');
  return pRule(categories !== undefined && categories <= 2 ? 'z' : 'chisquare');
}

/** Decides whether a test result means drift under the rule. */
export function isDrifted(
  result: { statistic: number; pValue?: number },
  rule: DriftRule,
): boolean {
  if (rule.direction === 'statistic_at_least') return result.statistic >= rule.threshold;
  if (result.pValue === undefined) throw new RangeError(`a ${rule.method} result needs a pValue`);
  return result.pValue < rule.threshold;
}
