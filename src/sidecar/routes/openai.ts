// OpenAI-compatible endpoints: POST /v1/completions (a string or a list prompt, each prompt one
// batcher item) and POST /v1/chat/completions (the messages as one prompt); both stream as
// server-sent events when `stream: true`, ending with `data: [DONE]`.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Router } from 'express';
import { z } from 'zod';
import { sendJson } from '../../api/http-server';
import type { CompletionRequest } from '../backend';
import {
  type InferenceCall,
  type InferenceItem,
  type InferenceResult,
  runInference,
} from '../inference';
import { samplingFromBody } from '../sampling';
import { serverTiming } from '../server-timing';
import {
  cacheHeader,
  callOf,
  estimateTokens,
  failStream,
  finishReason,
  parseRecorded,
  type RouteDeps,
  SseStream,
} from './context';
import {
  type DirectRoute,
  exactRoute,
  type InferenceHandler,
  type InferenceRequest,
} from './direct';

const sampling = {
  model: z.string().min(1),
  max_tokens: z.number().int().positive().default(16),
  stream: z.boolean().default(false),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
};

/** The completions body; fields not listed are accepted and ignored. */
export const completionsSchema = z.object({
  ...sampling,
  prompt: z.union([z.string(), z.array(z.string()).min(1).max(256)]),
});

const content = z.union([
  z.string(),
  z.array(z.object({ type: z.literal('text'), text: z.string() })),
]);

/** The chat completions body; `max_completion_tokens` is the newer name of `max_tokens`. */
export const chatSchema = z.object({
  ...sampling,
  max_completion_tokens: z.number().int().positive().optional(),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
        content,
      }),
    )
    .min(1),
});

type Sampling = Pick<
  z.output<typeof completionsSchema>,
  'max_tokens' | 'temperature' | 'top_p' | 'seed' | 'stop'
>;

/** Returns whether a request is deterministic and so may be cached: temperature 0 or a seed. */
export function isDeterministic(body: { temperature?: number; seed?: number }): boolean {
  return body.temperature === 0 || body.seed !== undefined;
}

/** Returns the prompt a chat is sent as: one `role: content` line per message, then `assistant:`. */
export function chatPrompt(messages: z.output<typeof chatSchema>['messages']): string {
  const text = (c: z.output<typeof content>) =>
    typeof c === 'string' ? c : c.map((part) => part.text).join('');
  return `${messages.map((m) => `${m.role}: ${text(m.content)}`).join('\n')}\nassistant:`;
}

function item(model: string, prompt: string, body: Sampling): InferenceItem {
  const maxTokens = body.max_tokens;
  const request: CompletionRequest = {
    model,
    prompt,
    maxTokens,
    inputTokens: estimateTokens(prompt),
    ...samplingFromBody(body),
  };
  if (!isDeterministic(body)) return { request };
  const { temperature, top_p, seed, stop } = body;
  return { request, cacheKey: { prompt, max_tokens: maxTokens, temperature, top_p, seed, stop } };
}

function usage(results: readonly InferenceResult[]) {
  const prompt = results.reduce((n, r) => n + r.inputTokens, 0);
  const completion = results.reduce((n, r) => n + r.outputTokens, 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** Runs the call; answers JSON (`answer`) or a stream (`chunk` per token, `last` per choice). */
async function serve(
  deps: RouteDeps,
  res: ServerResponse,
  call: InferenceCall,
  items: InferenceItem[],
  shape: {
    chunk: (index: number, text: string) => unknown;
    /** The events that end choice `index` (its finish reason). */
    last: (index: number, result: InferenceResult) => unknown[];
    answer: (results: InferenceResult[]) => unknown;
  },
): Promise<void> {
  const stream = call.stream ? new SseStream(res) : undefined;
  call.onAdmitted = (hits) => res.setHeader('x-cache', cacheHeader(hits));
  if (stream !== undefined) call.onToken = (index, text) => stream.send(shape.chunk(index, text));
  let results: InferenceResult[];
  try {
    results = await runInference(deps, call, items);
  } catch (err) {
    if (call.signal.aborted) return; // nobody to answer
    if (stream?.started) return failStream(stream, err);
    throw err;
  }
  if (stream === undefined) {
    const batch = results.length === 1 ? results[0]?.batch : undefined;
    // One batched prompt: where its time went (queue, device wait, backend, inside the sidecar).
    if (batch !== undefined) res.setHeader('server-timing', serverTiming(batch, res));
    sendJson(res, shape.answer(results));
    return;
  }
  results.forEach((result, i) => {
    for (const event of shape.last(i, result)) stream.send(event);
  });
  stream.done();
}

/** Returns an OpenAI body, parsed, and its call; refusals recorded (see parseRecorded). */
function parseCall<S extends z.ZodType<{ model: string; stream: boolean }>>(
  deps: RouteDeps,
  schema: S,
  req: InferenceRequest,
  res: ServerResponse,
  operation: 'text_completion' | 'chat',
  startMs: number,
): { body: z.output<S>; call: InferenceCall } {
  const { body, built } = parseRecorded(deps, schema, req, operation, startMs, (b) =>
    callOf(deps, req, res, { operation, model: b.model, stream: b.stream, startMs }),
  );
  return { body, call: built };
}

/** Returns the handler of POST /v1/completions. */
function completions(deps: RouteDeps): InferenceHandler {
  return async (req, res) => {
    const startMs = deps.now();
    const { body, call } = parseCall(deps, completionsSchema, req, res, 'text_completion', startMs);
    const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
    const head = {
      id: `cmpl-${randomUUID()}`,
      object: 'text_completion',
      created: Math.floor(startMs / 1000),
      model: body.model,
    };
    call.responseId = head.id;
    const choice = (index: number, text: string, finish: string | null) => ({
      index,
      text,
      logprobs: null,
      finish_reason: finish,
    });
    await serve(
      deps,
      res,
      call,
      prompts.map((p) => item(body.model, p, body)),
      {
        chunk: (index, text) => ({ ...head, choices: [choice(index, text, null)] }),
        last: (index, r) => [
          { ...head, choices: [choice(index, '', finishReason(r, body.max_tokens))] },
        ],
        answer: (results) => ({
          ...head,
          choices: results.map((r, i) => choice(i, r.text, finishReason(r, body.max_tokens))),
          usage: usage(results),
        }),
      },
    );
  };
}

/** Returns the handler of POST /v1/chat/completions. */
function chatCompletions(deps: RouteDeps): InferenceHandler {
  return async (req, res) => {
    const startMs = deps.now();
    const { body, call } = parseCall(deps, chatSchema, req, res, 'chat', startMs);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const sampled = { ...body, max_tokens: maxTokens };
    const head = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(startMs / 1000),
      model: body.model,
    };
    call.responseId = head.id;
    const chunk = (delta: Record<string, string>, finish: string | null) => ({
      ...head,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    let first = true;
    await serve(deps, res, call, [item(body.model, chatPrompt(body.messages), sampled)], {
      chunk: (_index, text) => {
        const delta: Record<string, string> = first
          ? { role: 'assistant', content: text }
          : { content: text };
        first = false;
        return chunk(delta, null);
      },
      last: (_index, r) => {
        // No token came: the role still goes first, as OpenAI always sends it.
        const role = first ? [chunk({ role: 'assistant', content: '' }, null)] : [];
        first = false;
        return [...role, chunk({}, finishReason(r, maxTokens))];
      },
      answer: (results) => {
        const r = results[0] as InferenceResult;
        return {
          ...head,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: r.text },
              logprobs: null,
              finish_reason: finishReason(r, maxTokens),
            },
          ],
          usage: usage(results),
        };
      },
    });
  };
}

/** Returns the OpenAI-compatible inference routes of the direct path. */
export function openaiDirectRoutes(deps: RouteDeps): DirectRoute[] {
  return [
    exactRoute('/v1/completions', completions(deps)),
    exactRoute('/v1/chat/completions', chatCompletions(deps)),
  ];
}

/** Returns the OpenAI-compatible routes of the express app (the direct path serves most POSTs). */
export function openaiRoutes(deps: RouteDeps): Router {
  const router = Router();
  router.post('/v1/completions', completions(deps));
  router.post('/v1/chat/completions', chatCompletions(deps));
  router.get('/v1/models', (_req, res) => {
    res.json({
      object: 'list',
      data: deps.pool
        .all()
        .map((m) => ({ id: m.name, object: 'model', owned_by: deps.backend.kind })),
    });
  });
  return router;
}
