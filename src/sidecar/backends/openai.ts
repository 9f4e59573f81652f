// An upstream OpenAI-compatible server (vLLM, TGI): a batch goes out as ONE streaming
// completions request with a list prompt; the streamed chunks carry each prompt's index, so the
// time to first token and the tokens are measured per prompt. Servers stream one token per chunk
// (vLLM, TGI), so chunks count as output tokens when no usage comes back. A list call has one
// set of sampling params, so a batch mixing them goes out as one call per group of equal params.
// The model version is read from `GET /v1/models` (see `versionOfCard`) unless one is given.
import { createHash } from 'node:crypto';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { configure } from 'safe-stable-stringify';
import type {
  Backend,
  CompletionRequest,
  CompletionResult,
  SamplingParams,
  TokenListener,
} from '../backend';
import { runBySampling } from '../sampling';
import { type UpstreamVersionOptions, UpstreamVersions } from '../upstream-versions';

/** Where the upstream is and how to call it. */
export interface OpenAiBackendOptions {
  /** Base URL, e.g. `http://vllm:8000` (the path `/v1/completions` is added). */
  url: string;
  /** The model name the upstream knows; default: each batch's model. */
  model?: string;
  apiKey?: string;
  /** A fixed model version (the upstream is not asked); set it when a redeploy keeps the card. */
  modelVersion?: string;
  /** How often the version is asked again (default every 30 s and after a failed batch). */
  versionRefresh?: Omit<UpstreamVersionOptions, 'ask' | 'fallback'>;
  fetch?: typeof fetch;
}

/** A streamed completions chunk, as far as it is read here. */
interface Chunk {
  choices?: { index?: number; text?: string; finish_reason?: string | null }[];
}

/** Returns a backend forwarding each batch to `options.url` as one list-prompt request. */
export function openaiBackend(options: OpenAiBackendOptions): Backend {
  const base = options.url.replace(/\/$/, '');
  const call = options.fetch ?? fetch;
  const fixed = options.modelVersion;
  const versions = new UpstreamVersions({
    ...options.versionRefresh,
    fallback: 'unknown',
    ask: (model, signal) => askVersion(base, call, options, options.model ?? model, signal),
  });
  const run = (
    requests: readonly CompletionRequest[],
    signal: AbortSignal,
    onToken?: TokenListener,
  ) =>
    runBySampling(requests, signal, onToken, (group, groupSignal, groupOnToken) =>
      runBatch(base, call, options, group, groupSignal, groupOnToken),
    );
  return {
    kind: 'openai',
    get modelVersion() {
      return fixed ?? versions.last;
    },
    ...(fixed === undefined ? { versionOf: (model: string) => versions.get(model) } : {}),
    async ready() {
      try {
        const res = await call(`${base}/v1/models`, { headers: headers(options.apiKey) });
        return res.ok;
      } catch {
        return false;
      }
    },
    async runBatch(requests, signal, onToken) {
      try {
        return await run(requests, signal, onToken);
      } catch (err) {
        // A failing upstream may be one being redeployed: ask its version again before trusting it.
        for (const model of new Set(requests.map((r) => r.model))) versions.expire(model);
        throw err;
      }
    },
  };
}

/** A model card of `GET /v1/models`, as far as it is read here. */
interface ModelCard {
  id?: unknown;
  [field: string]: unknown;
}

const stableStringify = configure({ deterministic: true });

/**
 * Returns the version of a model card: its id and a digest of its fields but `created` and
 * `permission`, which vLLM and TGI stamp at each call. There is no version field: a redeploy shows
 * as a new `root` (the weights' path or name), `parent` or `max_model_len`.
 */
export function versionOfCard(card: ModelCard): string {
  const { created: _created, permission: _permission, ...stable } = card;
  const digest = createHash('sha256')
    .update(stableStringify(stable) ?? '')
    .digest('hex');
  return `${String(card.id)}:${digest.slice(0, 12)}`;
}

async function askVersion(
  base: string,
  call: typeof fetch,
  options: OpenAiBackendOptions,
  model: string,
  signal: AbortSignal,
): Promise<string> {
  const res = await call(`${base}/v1/models`, { headers: headers(options.apiKey), signal });
  if (!res.ok) throw new Error(`upstream ${base}/v1/models answered ${res.status}`);
  const list = (await res.json()) as { data?: ModelCard[] };
  const card = list.data?.find((c) => c.id === model);
  if (card === undefined) throw new Error(`upstream ${base}/v1/models does not list ${model}`);
  return versionOfCard(card);
}

function headers(apiKey: string | undefined): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
  };
}

/** Returns the OpenAI body fields of a group's sampling params (all of its requests share them). */
export function samplingBody(params: SamplingParams): Record<string, unknown> {
  return {
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
    ...(params.topP === undefined ? {} : { top_p: params.topP }),
    ...(params.seed === undefined ? {} : { seed: params.seed }),
    ...(params.stop === undefined ? {} : { stop: params.stop }),
  };
}

async function runBatch(
  base: string,
  call: typeof fetch,
  options: OpenAiBackendOptions,
  requests: readonly CompletionRequest[],
  signal: AbortSignal,
  onToken: TokenListener | undefined,
): Promise<CompletionResult[]> {
  const started = performance.now();
  // One max_tokens for the whole list: the largest asked; each item stops at its own.
  const body = {
    model: options.model ?? requests[0]?.model,
    prompt: requests.map((r) => r.prompt),
    max_tokens: Math.max(...requests.map((r) => r.maxTokens)),
    ...samplingBody(requests[0] ?? {}),
    stream: true,
  };
  const res = await call(`${base}/v1/completions`, {
    method: 'POST',
    headers: headers(options.apiKey),
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok || res.body === null) {
    const text = await res.text().catch(() => '');
    throw new Error(
      `upstream ${base}/v1/completions answered ${res.status}: ${text.slice(0, 200)}`,
    );
  }
  const items = requests.map(() => ({ text: '', tokens: 0, firstMs: -1, lastMs: 0 }));
  const parser = createParser({
    onEvent(event: EventSourceMessage) {
      if (event.data === '[DONE]') return;
      const chunk = JSON.parse(event.data) as Chunk;
      const now = performance.now() - started;
      for (const choice of chunk.choices ?? []) {
        const item = items[choice.index ?? -1];
        const i = choice.index ?? -1;
        if (item === undefined || !choice.text) continue;
        if (item.tokens >= (requests[i] as CompletionRequest).maxTokens) continue;
        if (item.firstMs < 0) item.firstMs = now;
        item.lastMs = now;
        item.text += choice.text;
        item.tokens += 1;
        onToken?.(i, choice.text);
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>)
    parser.feed(decoder.decode(part, { stream: true }));
  const endMs = performance.now() - started;
  return requests.map((r, i) => {
    const item = items[i] as (typeof items)[number];
    return {
      text: item.text,
      inputTokens: r.inputTokens,
      outputTokens: item.tokens,
      ttftMs: item.firstMs < 0 ? endMs : item.firstMs,
      durationMs: item.tokens > 0 ? item.lastMs : endMs,
    };
  });
}
