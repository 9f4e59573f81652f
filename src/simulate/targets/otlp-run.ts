// The `otlp` target: the simulator plays application and model. The scenario's queue model runs
// in real time, and at each request's completion its span goes out through the OpenTelemetry SDK
// (the coherence score as a span event); the correctness label follows through the feedback API
// after its delay, linked by the span's ids and the answer's id.
import { DRAIN_MS, type LiveContext, waitTurn } from '../live-context';
import { SIMULATED_SERVICE, simulatedIds } from '../rows';
import { simulateRequests } from '../run';
import { generateTraffic, type SimulatedRequest } from '../traffic';
import { createOtlpTarget } from './otlp';
import { outcomeSpan } from './otlp-span';

/** Returns the id the simulated answer of request `seq` carries (gen_ai.response.id). */
export function simulatedResponseId(runId: string, seq: number): string {
  return `cmpl-sim-${runId}-${seq.toString(16)}`;
}

/** Runs the scenario as spans to the OTLP endpoint until the stop; resolves once flushed. */
export async function runOtlpTarget(ctx: LiveContext, endpoint: string): Promise<void> {
  const { progress, poster, runId } = ctx;
  const exporter = createOtlpTarget(endpoint);
  const window = { startMs: ctx.startMs, durationMs: ctx.endMs - ctx.startMs, seed: ctx.seed };
  // After the stop no request arrives: the model only finishes those already in it.
  let cutoffMs = Number.POSITIVE_INFINITY;
  let deadlineMs = Number.POSITIVE_INFINITY;
  function* arrivals(): Generator<SimulatedRequest> {
    for (const request of generateTraffic(ctx.scenario, window)) {
      if (request.arrivalMs >= cutoffMs) return;
      yield request;
    }
  }
  const onStop = () => {
    cutoffMs = Math.min(cutoffMs, ctx.clock());
    deadlineMs = cutoffMs + DRAIN_MS;
  };
  ctx.stop.addEventListener('abort', onStop, { once: true });
  if (ctx.stop.aborted) onStop();
  try {
    for (const outcome of simulateRequests(ctx.scenario, window, arrivals())) {
      if (outcome.endMs > deadlineMs) break;
      // Waiting is cut short by the stop, which only sets the cutoff: the drain goes on.
      let verdict = await waitTurn(ctx, outcome.endMs, 0, ctx.stop.aborted ? undefined : ctx.stop);
      if (verdict === undefined) {
        if (outcome.endMs > deadlineMs) break;
        verdict = await waitTurn(ctx, outcome.endMs, 0, undefined);
      }
      if (verdict?.kind === 'late') {
        progress.late++;
        continue;
      }
      const ids = simulatedIds(runId, outcome.request.seq);
      const responseId = simulatedResponseId(runId, outcome.request.seq);
      exporter.record(outcomeSpan(outcome, responseId), ids);
      progress.sent++;
      if (outcome.answer === null) {
        progress.refused++;
        continue;
      }
      progress.served++;
      progress.scoresSent++;
      const { correct, labelDelayMs } = outcome.answer;
      const labelAt = outcome.endMs + labelDelayMs;
      poster.add(
        {
          // rows.ts gives request 0 the span id 0000000000000000, which is no valid id: the
          // feedback API refuses it, so that one label goes by response_id alone.
          ...(/[1-9a-f]/.test(ids.spanId) ? { trace_id: ids.traceId, span_id: ids.spanId } : {}),
          response_id: responseId,
          name: 'accuracy',
          value: correct ? 1 : 0,
          label: correct ? 'correct' : 'incorrect',
          ts: labelAt,
          evaluator: SIMULATED_SERVICE,
        },
        labelAt,
      );
    }
  } finally {
    ctx.stop.removeEventListener('abort', onStop);
    await exporter.shutdown();
  }
}
