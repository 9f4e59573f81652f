// The `sidecar` target: each request of the scenario goes to the real sidecar as an application
// sends it (POST /v1/completions, x-request-type, streamed as a chat UI streams: the sidecar then
// measures TTFT at the first token, as the scenario's model of it does), at its arrival time,
// without waiting for earlier answers. The sidecar batches, queues, refuses and reports each request's span itself; for each
// answer the simulator, as an evaluation pipeline, posts the coherence score at once and the
// correctness label after its delay, both linked by response_id = the answer's id.
import { createParser } from 'eventsource-parser';
import { answerTruths } from '../answers';
import { DRAIN_MS, type LiveContext, sleep, waitTurn } from '../live-context';
import { SIMULATED_SERVICE } from '../rows';
import { versionAt } from '../timeline';
import { generateTraffic, type SimulatedRequest } from '../traffic';

/** What the sidecar answered: the answer's id, a refusal's status, or no answer at all. */
export type SidecarReply =
  | { kind: 'answered'; id: string }
  | { kind: 'refused'; status: number }
  | { kind: 'failed'; error: unknown };

/**
 * Sends one streamed request to the sidecar at `url` and returns its reply once the stream ends
 * with `data: [DONE]` (never throws).
 */
export async function sendCompletion(
  url: string,
  request: SimulatedRequest,
  signal: AbortSignal,
): Promise<SidecarReply> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-type': request.requestType },
      body: JSON.stringify({
        model: request.model,
        prompt: request.prompt,
        max_tokens: request.maxTokens,
        stream: true,
      }),
      signal,
    });
    if (res.status !== 200) {
      await res.arrayBuffer();
      return { kind: 'refused', status: res.status };
    }
    let id: string | undefined;
    let done = false;
    const parser = createParser({
      onEvent: (event) => {
        if (event.data === '[DONE]') done = true;
        else id ??= (JSON.parse(event.data) as { id?: string }).id;
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of res.body ?? [])
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    if (!done) return { kind: 'failed', error: new Error('stream ended without [DONE]') };
    if (id === undefined) return { kind: 'failed', error: new Error('answer without id') };
    return { kind: 'answered', id };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/** Runs the scenario against the sidecar until the stop; resolves once the drain is over. */
export async function runSidecarTarget(ctx: LiveContext, url: string): Promise<void> {
  const { scenario, progress, poster } = ctx;
  const truth = answerTruths(ctx.seed, scenario.labelDelayMinutes);
  const cancel = new AbortController();
  const inFlight = new Set<Promise<void>>();

  // Answers are numbered in the order they arrive here: the sidecar's serving order.
  const answered = (request: SimulatedRequest, id: string) => {
    const { version, quality } = versionAt(scenario, request.arrivalMs - ctx.startMs);
    const answer = truth(version, quality);
    const now = ctx.clock();
    const base = { response_id: id, evaluator: SIMULATED_SERVICE };
    poster.add({ ...base, name: 'coherence', value: answer.coherence, ts: now }, now);
    const labelAt = now + answer.labelDelayMs;
    const label = answer.correct ? 'correct' : 'incorrect';
    poster.add(
      { ...base, name: 'accuracy', value: answer.correct ? 1 : 0, label, ts: labelAt },
      labelAt,
    );
  };

  const send = (request: SimulatedRequest) => {
    progress.sent++;
    const call = sendCompletion(url, request, cancel.signal).then((reply) => {
      inFlight.delete(call);
      if (reply.kind === 'answered') {
        progress.served++;
        answered(request, reply.id);
      } else if (reply.kind === 'refused') progress.refused++;
      else progress.errors++;
    });
    inFlight.add(call);
  };

  const window = { startMs: ctx.startMs, durationMs: ctx.endMs - ctx.startMs, seed: ctx.seed };
  for (const request of generateTraffic(scenario, window)) {
    const verdict = await waitTurn(ctx, request.arrivalMs, inFlight.size, ctx.stop);
    if (verdict === undefined) break;
    if (verdict.kind === 'late') progress.late++;
    else if (verdict.kind === 'skip') progress.skipped++;
    else send(request);
  }
  // The drain: answers in flight get DRAIN_MS, then the rest are cancelled (counted as errors).
  const drained = Promise.all(inFlight);
  await Promise.race([drained, sleep(DRAIN_MS)]);
  cancel.abort();
  await drained;
}
