// KServe / Open Inference Protocol (v2): POST /v2/models/{model}/infer with `text_input` (BYTES,
// leading batch dimension, row-major) and optional `max_tokens`; each row is one batcher item
// and the answer is `text_output` [B, 1]. Health, readiness and model metadata beside it.
import { Router } from 'express';
import { z } from 'zod';
import { sendJson } from '../../api/http-server';
import { AppError } from '../../errors';
import { VERSION } from '../../version';
import { currentVersion } from '../backend';
import { type InferenceItem, runInference } from '../inference';
import { samplingFromBody } from '../sampling';
import { cacheHeader, callOf, estimateTokens, parseRecorded, type RouteDeps } from './context';
import { type DirectRoute, type InferenceHandler, modelRoute } from './direct';

const tensor = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()).min(1),
  datatype: z.string().min(1),
  data: z.array(z.unknown()),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The infer body; `parameters.temperature` 0 or `parameters.seed` makes a request cacheable.
 * `parameters.stop` is one stop sequence or a list of them (v2 parameters are scalars, so a list
 * is an extension; the upstream gets it as a JSON string).
 */
export const inferSchema = z.object({
  id: z.string().optional(),
  parameters: z
    .object({
      max_tokens: z.number().int().positive().optional(),
      temperature: z.number().min(0).optional(),
      top_p: z.number().min(0).max(1).optional(),
      seed: z.number().int().optional(),
      stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
    })
    .optional(),
  inputs: z.array(tensor).min(1),
  outputs: z.array(z.object({ name: z.string() })).optional(),
});

type InferBody = z.output<typeof inferSchema>;

const DEFAULT_MAX_TOKENS = 16;

function invalid(message: string): AppError {
  return new AppError('invalid_body', 400, message);
}

/** Returns the rows of `text_input` and the max tokens of each; 400 naming the tensor field. */
export function rowsOf(body: InferBody): { prompts: string[]; maxTokens: number[] } {
  const at = body.inputs.findIndex((t) => t.name === 'text_input');
  const input = body.inputs[at];
  if (input === undefined) throw invalid('inputs: no tensor named text_input');
  const where = `inputs[${at}]`;
  if (input.datatype !== 'BYTES')
    throw invalid(`${where}.datatype: expected BYTES, got ${input.datatype}`);
  const [rows = 0, ...rest] = input.shape;
  if (rest.some((d) => d !== 1))
    throw invalid(`${where}.shape: expected [B] or [B, 1], got [${input.shape.join(', ')}]`);
  const data = input.data.flat(Number.POSITIVE_INFINITY);
  if (data.length !== rows)
    throw invalid(`${where}.data: ${data.length} values for shape [${input.shape.join(', ')}]`);
  const bad = data.findIndex((v) => typeof v !== 'string');
  if (bad >= 0) throw invalid(`${where}.data[${bad}]: expected a string`);
  if (rows === 0) throw invalid(`${where}.shape: the batch dimension must be at least 1`);
  return { prompts: data as string[], maxTokens: maxTokensOf(body, rows) };
}

function maxTokensOf(body: InferBody, rows: number): number[] {
  const at = body.inputs.findIndex((t) => t.name === 'max_tokens');
  const input = body.inputs[at];
  const fallback = body.parameters?.max_tokens ?? DEFAULT_MAX_TOKENS;
  if (input === undefined) return Array.from({ length: rows }, () => fallback);
  const where = `inputs[${at}]`;
  if (!/^(U?INT(8|16|32|64))$/.test(input.datatype))
    throw invalid(`${where}.datatype: expected an integer type, got ${input.datatype}`);
  const data = input.data.flat(Number.POSITIVE_INFINITY);
  const bad = data.findIndex((v) => !(Number.isInteger(v) && (v as number) > 0));
  if (bad >= 0) throw invalid(`${where}.data[${bad}]: expected a positive integer`);
  if (data.length === 1) return Array.from({ length: rows }, () => data[0] as number);
  if (data.length !== rows || input.shape[0] !== rows)
    throw invalid(
      `${where}.shape: expected [${rows}, 1] (one per row) or [1], got [${input.shape.join(', ')}]`,
    );
  return data as number[];
}

/** Returns the KServe v2 routes. */
export function kserveRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get('/v2/health/live', (_req, res) => {
    res.json({ live: true });
  });
  router.get('/v2/health/ready', async (_req, res) => {
    const ready = !deps.draining() && (await deps.backend.ready());
    res.status(ready ? 200 : 503).json({ ready });
  });
  router.get('/v2', (_req, res) => {
    res.json({ name: 'insightagent-sidecar', version: VERSION, extensions: [] });
  });
  router.get('/v2/models/:model', async (req, res) => {
    const model = deps.pool.info(String(req.params.model));
    res.json({
      name: model.name,
      versions: [await currentVersion(deps.backend, model.name)],
      platform: deps.backend.kind,
      inputs: [
        { name: 'text_input', datatype: 'BYTES', shape: [-1, 1] },
        { name: 'max_tokens', datatype: 'INT32', shape: [-1, 1], optional: true },
      ],
      outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [-1, 1] }],
    });
  });
  router.get('/v2/models/:model/ready', async (req, res) => {
    deps.pool.info(String(req.params.model));
    const ready = !deps.draining() && (await deps.backend.ready());
    res.status(ready ? 200 : 503).json({ name: req.params.model, ready });
  });

  router.post('/v2/models/:model/infer', infer(deps));
  return router;
}

/** Returns the KServe inference route of the direct path. */
export function kserveDirectRoutes(deps: RouteDeps): DirectRoute[] {
  return [modelRoute('/v2/models/', '/infer', infer(deps))];
}

/** Returns the handler of POST /v2/models/{model}/infer. */
function infer(deps: RouteDeps): InferenceHandler {
  return async (req, res) => {
    const startMs = deps.now();
    const model = String(req.params.model);
    const { body, built } = parseRecorded(deps, inferSchema, req, 'infer', startMs, (b) => ({
      rows: rowsOf(b),
      call: callOf(deps, req, res, { operation: 'infer', model, stream: false, startMs }),
    }));
    const { prompts, maxTokens } = built.rows;
    const deterministic = body.parameters?.temperature === 0 || body.parameters?.seed !== undefined;
    const { temperature, top_p, seed, stop } = body.parameters ?? {};
    const sampling = samplingFromBody({ temperature, top_p, seed, stop });
    const items = prompts.map((prompt, i): InferenceItem => {
      const request = {
        model,
        prompt,
        maxTokens: maxTokens[i] as number,
        inputTokens: estimateTokens(prompt),
        ...sampling,
      };
      if (!deterministic) return { request };
      const max_tokens = request.maxTokens;
      return { request, cacheKey: { prompt, max_tokens, temperature, top_p, seed, stop } };
    });
    const { call } = built;
    if (body.id !== undefined) call.responseId = body.id;
    call.onAdmitted = (hits) => res.setHeader('x-cache', cacheHeader(hits));
    let results: Awaited<ReturnType<typeof runInference>>;
    try {
      results = await runInference(deps, call, items);
    } catch (err) {
      if (call.signal.aborted) return;
      throw err;
    }
    sendJson(res, {
      model_name: model,
      model_version: call.modelVersion ?? deps.backend.modelVersion,
      ...(body.id === undefined ? {} : { id: body.id }),
      outputs: [
        {
          name: 'text_output',
          datatype: 'BYTES',
          shape: [results.length, 1],
          data: results.map((r) => r.text),
        },
      ],
    });
  };
}
