// An upstream KServe / Triton server speaking the Open Inference Protocol (v2): a batch is
// stacked into ONE `POST /v2/models/{model}/infer` with a leading batch dimension — inputs
// `text_input` (BYTES [B, 1]) and `max_tokens` (INT32 [B, 1]), row-major — and the output
// `text_output` (BYTES [B, 1]) is split back, row i answering request i. The protocol has no
// token stream, so the time to first token is the whole call. Sampling params go as the request's
// `parameters` (one set per call), so a batch mixing them goes out as one call per group.
// The model version is read from the model's metadata (`GET /v2/models/{model}`, see
// `versionOfMetadata`) unless one is given; a numbered one pins the infer call to it.
import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import type { Backend, CompletionRequest, CompletionResult, SamplingParams } from '../backend';
import { runBySampling } from '../sampling';
import { type UpstreamVersionOptions, UpstreamVersions } from '../upstream-versions';

/** Where the upstream is. */
export interface KServeBackendOptions {
  /** Base URL, e.g. `http://triton:8000`. */
  url: string;
  /** The model name on the server; default: each batch's model. */
  model?: string;
  /** A fixed model version (the upstream is not asked; infer calls are not pinned). */
  modelVersion?: string;
  /** How often the version is asked again (default every 30 s and after a failed batch). */
  versionRefresh?: Omit<UpstreamVersionOptions, 'ask' | 'fallback'>;
  fetch?: typeof fetch;
}

/** A v2 tensor. */
interface Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

/** Returns a backend stacking each batch into one v2 inference request. */
export function kserveBackend(options: KServeBackendOptions): Backend {
  const base = options.url.replace(/\/$/, '');
  const call = options.fetch ?? fetch;
  const fixed = options.modelVersion;
  /** The numbered version each model's infer calls go to (Triton's `versions/{v}/infer`). */
  const pins = new Map<string, string>();
  const versions = new UpstreamVersions({
    ...options.versionRefresh,
    fallback: 'unknown',
    ask: async (model, signal) => {
      const name = options.model ?? model;
      const res = await call(`${base}/v2/models/${encodeURIComponent(name)}`, { signal });
      if (!res.ok) throw new Error(`upstream ${base} model metadata answered ${res.status}`);
      const found = versionOfMetadata((await res.json()) as ModelMetadata);
      if (found.pinned) pins.set(model, found.version);
      else pins.delete(model);
      return found.version;
    },
  });
  return {
    kind: 'kserve',
    get modelVersion() {
      return fixed ?? versions.last;
    },
    ...(fixed === undefined ? { versionOf: (model: string) => versions.get(model) } : {}),
    async ready() {
      try {
        return (await call(`${base}/v2/health/ready`)).ok;
      } catch {
        return false;
      }
    },
    async runBatch(requests, signal) {
      const pin = pins.get(requests[0]?.model ?? '');
      try {
        return await runBySampling(requests, signal, undefined, (group, groupSignal) =>
          runGroup(base, call, options, pin, group, groupSignal),
        );
      } catch (err) {
        // A failing upstream may be one being redeployed: ask its version again before trusting it.
        for (const model of new Set(requests.map((r) => r.model))) versions.expire(model);
        throw err;
      }
    },
  };
}

/** The v2 model metadata, as far as it is read here. */
interface ModelMetadata {
  name?: unknown;
  versions?: unknown;
  [field: string]: unknown;
}

const stableStringify = configure({ deterministic: true });

/**
 * Returns the version a model's metadata names: the highest of its numbered `versions` (Triton
 * serves that one by default), pinned; without numbered versions (KServe's own servers), its name
 * and a digest of the metadata, unpinned.
 */
export function versionOfMetadata(metadata: ModelMetadata): { version: string; pinned: boolean } {
  const listed = Array.isArray(metadata.versions) ? metadata.versions.map(String) : [];
  if (listed.length > 0 && listed.every((v) => /^\d+$/.test(v))) {
    const highest = listed.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
    return { version: highest, pinned: true };
  }
  const digest = createHash('sha256')
    .update(stableStringify(metadata) ?? '')
    .digest('hex');
  return { version: `${String(metadata.name)}:${digest.slice(0, 12)}`, pinned: false };
}

async function runGroup(
  base: string,
  call: typeof fetch,
  options: KServeBackendOptions,
  pin: string | undefined,
  requests: readonly CompletionRequest[],
  signal: AbortSignal,
): Promise<CompletionResult[]> {
  const model = options.model ?? requests[0]?.model ?? '';
  const started = performance.now();
  const path = `/v2/models/${encodeURIComponent(model)}${pin === undefined ? '' : `/versions/${pin}`}`;
  const res = await call(`${base}${path}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(inferRequest(requests)),
    signal,
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`upstream ${base} infer answered ${res.status}: ${text.slice(0, 200)}`);
  const outputs = splitOutputs(JSON.parse(text) as { outputs?: Tensor[] }, requests.length);
  const durationMs = performance.now() - started;
  return requests.map(
    (r, i): CompletionResult => ({
      text: outputs[i] as string,
      inputTokens: r.inputTokens,
      outputTokens: (outputs[i] as string).split(/\s+/).filter(Boolean).length,
      ttftMs: durationMs,
      durationMs,
    }),
  );
}

/** Returns the v2 request body of a batch: one row per request. */
export function inferRequest(requests: readonly CompletionRequest[]): {
  parameters?: Record<string, string | number>;
  inputs: Tensor[];
  outputs: { name: string }[];
} {
  const rows = requests.length;
  const parameters = parametersOf(requests[0] ?? {});
  return {
    ...(Object.keys(parameters).length === 0 ? {} : { parameters }),
    inputs: [
      {
        name: 'text_input',
        shape: [rows, 1],
        datatype: 'BYTES',
        data: requests.map((r) => r.prompt),
      },
      {
        name: 'max_tokens',
        shape: [rows, 1],
        datatype: 'INT32',
        data: requests.map((r) => r.maxTokens),
      },
    ],
    outputs: [{ name: 'text_output' }],
  };
}

/**
 * Returns the v2 `parameters` of a group's sampling params. A v2 parameter is a string, number or
 * boolean, never a list, so `stop` goes as a JSON array in a string (as Triton's vLLM backend
 * takes it).
 */
export function parametersOf(params: SamplingParams): Record<string, string | number> {
  return {
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
    ...(params.topP === undefined ? {} : { top_p: params.topP }),
    ...(params.seed === undefined ? {} : { seed: params.seed }),
    ...(params.stop === undefined ? {} : { stop: JSON.stringify(params.stop) }),
  };
}

/** Returns row i of the `text_output` tensor for i < rows; refuses a tensor of another shape. */
export function splitOutputs(response: { outputs?: Tensor[] }, rows: number): string[] {
  const out = response.outputs?.find((t) => t.name === 'text_output');
  if (out === undefined) throw new Error('upstream answer has no text_output tensor');
  const [batch, width = 1] = out.shape;
  if (batch !== rows || width !== 1 || out.data.length !== rows)
    throw new Error(
      `upstream text_output has shape [${out.shape.join(', ')}] with ${out.data.length} values; expected [${rows}, 1]`,
    );
  return out.data.map(String);
}
