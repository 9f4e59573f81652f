// Options and observable state of the dynamic batcher, validated once when a batcher is made.
import { z } from 'zod';
import { formatIssues } from '../config/issues';
import { ConfigError } from '../errors';

const positiveInt = z.number().int().positive();

const optionsSchema = z
  .strictObject({
    maxBatchSize: positiveInt.default(8),
    preferredBatchSizes: z.array(positiveInt).default([]),
    maxQueueDelayMs: z.number().nonnegative().default(5),
    priorityLevels: positiveInt.default(1),
    defaultPriority: z.number().int().nonnegative().optional(),
    maxQueueSize: positiveInt.default(1024),
    maxInFlight: positiveInt.default(1),
    defaultTimeoutMs: z.number().positive().optional(),
  })
  .superRefine((o, ctx) => {
    const sizes = o.preferredBatchSizes;
    if (sizes.some((s, i) => i > 0 && s <= (sizes[i - 1] ?? 0)))
      ctx.addIssue({ code: 'custom', path: ['preferredBatchSizes'], message: 'must be ascending' });
    if (sizes.some((s) => s > o.maxBatchSize))
      ctx.addIssue({
        code: 'custom',
        path: ['preferredBatchSizes'],
        message: `each must be <= maxBatchSize (${o.maxBatchSize})`,
      });
    if (o.defaultPriority !== undefined && o.defaultPriority >= o.priorityLevels)
      ctx.addIssue({
        code: 'custom',
        path: ['defaultPriority'],
        message: `must be < priorityLevels (${o.priorityLevels})`,
      });
  });

/** Batcher options as given; every field has a default. */
export type BatcherOptions = z.input<typeof optionsSchema>;

/** Batcher options with defaults filled in; `defaultPriority` is the lowest level unless set. */
export type ResolvedBatcherOptions = Omit<z.output<typeof optionsSchema>, 'defaultPriority'> & {
  defaultPriority: number;
};

/** Returns the options with defaults, or throws a ConfigError naming each bad field. */
export function resolveBatcherOptions(options: BatcherOptions = {}): ResolvedBatcherOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new ConfigError(`batcher options: ${formatIssues(parsed.error).join('; ')}`);
  const o = parsed.data;
  return { ...o, defaultPriority: o.defaultPriority ?? o.priorityLevels - 1 };
}

/** Why a request was rejected (timeouts and cancellations are counted apart). */
export type RejectReason =
  | 'queue_full'
  | 'closed'
  | 'batch_failed'
  | 'batch_result_count'
  | 'invalid_submit_options';

/** A snapshot of one batcher: queue, in-flight batches and counters since it was made. */
export interface BatcherStats {
  queueDepth: number;
  /** Index = priority level (0 highest). */
  queueDepthByPriority: number[];
  inFlightBatches: number;
  counters: {
    submitted: number;
    completed: number;
    dispatchedBatches: number;
    /** Batch size -> number of batches dispatched with that size. */
    batchSizes: Record<number, number>;
    rejected: Record<RejectReason, number>;
    timeouts: number;
    cancellations: number;
  };
}

/** Returns zeroed counters. */
export function emptyCounters(): BatcherStats['counters'] {
  return {
    submitted: 0,
    completed: 0,
    dispatchedBatches: 0,
    batchSizes: {},
    rejected: {
      queue_full: 0,
      closed: 0,
      batch_failed: 0,
      batch_result_count: 0,
      invalid_submit_options: 0,
    },
    timeouts: 0,
    cancellations: 0,
  };
}
