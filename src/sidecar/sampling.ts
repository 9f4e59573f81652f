// Sampling params between the routes and the backends: read from a client's body, and a batch
// split into groups of equal params (an upstream list call carries one set of params).
import type { CompletionRequest, CompletionResult, SamplingParams, TokenListener } from './backend';

/** The sampling fields of an OpenAI body or of KServe `parameters`, as the client wrote them. */
export interface SamplingBody {
  temperature?: number | undefined;
  top_p?: number | undefined;
  seed?: number | undefined;
  stop?: string | readonly string[] | undefined;
}

/** Returns the sampling params of a body (a single stop sequence as a list of one). */
export function samplingFromBody(body: SamplingBody): SamplingParams {
  const { temperature, top_p, seed, stop } = body;
  return {
    ...(temperature === undefined ? {} : { temperature }),
    ...(top_p === undefined ? {} : { topP: top_p }),
    ...(seed === undefined ? {} : { seed }),
    ...(stop === undefined ? {} : { stop: typeof stop === 'string' ? [stop] : stop }),
  };
}

/** Returns the batch's indices grouped by equal sampling params, in order of first appearance. */
export function groupBySampling(requests: readonly SamplingParams[]): number[][] {
  const groups = new Map<string, number[]>();
  requests.forEach((request, i) => {
    const { temperature, topP, seed, stop } = request;
    const key = JSON.stringify([temperature, topP, seed, stop]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  return [...groups.values()];
}

/** Runs one group of a batch upstream (its requests in group order). */
export type GroupRunner = (
  requests: readonly CompletionRequest[],
  signal: AbortSignal,
  onToken?: TokenListener,
) => Promise<CompletionResult[]>;

/**
 * Runs a batch as one upstream call per group of equal sampling params, the groups at once;
 * returns the results in the batch's order. One group failing aborts the others.
 */
export async function runBySampling(
  requests: readonly CompletionRequest[],
  signal: AbortSignal,
  onToken: TokenListener | undefined,
  run: GroupRunner,
): Promise<CompletionResult[]> {
  const groups = groupBySampling(requests);
  if (groups.length === 1) return run(requests, signal, onToken);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) controller.abort(signal.reason);
  const results: CompletionResult[] = new Array(requests.length);
  try {
    await Promise.all(
      groups.map(async (group) => {
        const listener: TokenListener | undefined =
          onToken === undefined ? undefined : (k, text) => onToken(group[k] as number, text);
        try {
          const out = await run(
            group.map((i) => requests[i] as CompletionRequest),
            controller.signal,
            listener,
          );
          if (out.length !== group.length)
            throw new Error(`upstream answered ${out.length} results for ${group.length} requests`);
          group.forEach((i, k) => {
            results[i] = out[k] as CompletionResult;
          });
        } catch (err) {
          controller.abort(err);
          throw err;
        }
      }),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return results;
}
