// The parts of OpenSLO v1 (https://github.com/OpenSLO/OpenSLO, README "SLO", "SLI", "DataSource")
// that the importer reads. Objects are loose: OpenSLO allows fields we do not use (labels,
// annotations, displayName…), and refusing them would refuse valid documents.
import { z } from 'zod';
import { got } from './spec-fields';

const text = z.string();
const numberOrText = z.union([z.number(), z.string()]);

const metricSource = z.looseObject({
  metricSourceRef: text.optional(),
  type: text.optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
});

/** `good`, `bad`, `total`, `raw` and `thresholdMetric`: a metric source. */
export const metricSpec = z.looseObject({ metricSource });
export type MetricSpec = z.infer<typeof metricSpec>;

/** The spec of an SLI (kind: SLI, or inline under an SLO's `indicator`). */
export const sliSpec = z.looseObject({
  description: text.optional(),
  thresholdMetric: metricSpec.optional(),
  ratioMetric: z
    .looseObject({
      counter: z.boolean().optional(),
      good: metricSpec.optional(),
      bad: metricSpec.optional(),
      total: metricSpec.optional(),
      rawType: text.optional(),
      raw: metricSpec.optional(),
    })
    .optional(),
});
export type SliSpecDoc = z.infer<typeof sliSpec>;

export const objectiveDoc = z.looseObject({
  displayName: text.optional(),
  op: z.enum(['lte', 'gte', 'lt', 'gt']).optional(),
  value: z.number().optional(),
  target: z.number().optional(),
  targetPercent: z.number().optional(),
  timeSliceTarget: z.number().optional(),
  timeSliceWindow: numberOrText.optional(),
});
export type ObjectiveDoc = z.infer<typeof objectiveDoc>;

export const timeWindowDoc = z.looseObject({
  duration: text,
  isRolling: z.boolean().optional(),
  calendar: z.looseObject({ startTime: text.optional(), timeZone: text.optional() }).optional(),
});
export type TimeWindowDoc = z.infer<typeof timeWindowDoc>;

export const sloDoc = z.looseObject({
  metadata: z.looseObject({ name: text, displayName: text.optional() }),
  spec: z.looseObject({
    description: text.optional(),
    service: text.optional(),
    indicator: z
      .looseObject({ metadata: z.looseObject({ name: text.optional() }).optional(), spec: sliSpec })
      .optional(),
    indicatorRef: text.optional(),
    timeWindow: z.array(timeWindowDoc).optional(),
    budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
    objectives: z.array(objectiveDoc).min(1),
    alertPolicies: z.array(z.unknown()).optional(),
  }),
});
export type SloDoc = z.infer<typeof sloDoc>;

export const sliDoc = z.looseObject({ metadata: z.looseObject({ name: text }), spec: sliSpec });
export const dataSourceDoc = z.looseObject({
  metadata: z.looseObject({ name: text }),
  spec: z.looseObject({ type: text }),
});

/** The head every OpenSLO document has. */
export const documentHead = z.looseObject({ apiVersion: text, kind: text });

/** Error messages for the loose schemas above: what was expected and what was given. */
export function openSloIssueMessage(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${iss.expected === 'object' ? 'a mapping' : iss.expected === 'array' ? 'a list' : iss.expected}, ${got(iss.input)}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map(String).join(', ')}, ${got(iss.input)}`;
    case 'too_small':
      return `expected at least ${String(iss.minimum)} item(s)`;
    case 'invalid_union':
      return `expected a number or a duration such as 5m, ${got(iss.input)}`;
    default:
      return `invalid value, ${got(iss.input)}`;
  }
}
