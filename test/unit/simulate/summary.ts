// Test helper: what a run realised — counts by status, served throughput, means of the served.
import type { SimulatedOutcome } from '../../../src/simulate/run';

export interface RunSummary {
  total: number;
  byStatus: Record<string, number>;
  served: number;
  meanTtftMs: number;
  accuracy: number;
  coherence: number;
}

export function summarise(outcomes: Iterable<SimulatedOutcome>): RunSummary {
  const byStatus: Record<string, number> = {};
  let total = 0;
  let served = 0;
  let ttft = 0;
  let correct = 0;
  let coherence = 0;
  for (const o of outcomes) {
    total++;
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    if (o.status !== 'ok' || o.answer === null) continue;
    served++;
    ttft += o.ttftMs ?? 0;
    correct += o.answer.correct ? 1 : 0;
    coherence += o.answer.coherence;
  }
  return {
    total,
    byStatus,
    served,
    meanTtftMs: ttft / served,
    accuracy: correct / served,
    coherence: coherence / served,
  };
}
