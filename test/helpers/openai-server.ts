// A small local server speaking OpenAI's completions API as vLLM does: POST /v1/completions
// with a string or list prompt, streaming (server-sent events, one token per chunk, each
// chunk's choice naming its prompt index, ending with `data: [DONE]`) or not; GET /v1/models
// answers `models` (change it to play a redeploy) with `created` stamped per call, as vLLM does.
// Prompt i's first token comes after `firstTokenMs(i)`, then one every `tokenMs`. Every body
// received is kept, sampling params included.
import { createServer, type Server } from 'node:http';

/** One completions body as received. */
export interface ReceivedBody {
  model: string;
  prompt: string | string[];
  max_tokens: number;
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  seed?: number;
  stop?: string | string[];
}

/** A model card of GET /v1/models, without `created` (stamped at each call). */
export interface ModelCard {
  id: string;
  root?: string;
  max_model_len?: number;
}

/** What the server received and how to stop it. */
export interface OpenAiServer {
  url: string;
  /** The request bodies received, in order. */
  bodies: ReceivedBody[];
  /** What GET /v1/models lists; replace it to play a redeploy. */
  models: ModelCard[];
  /** How many times GET /v1/models was called. */
  modelCalls: number;
  /** When set, POST /v1/completions answers this status. */
  failWith?: number;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export async function startOpenAiServer(
  options: { firstTokenMs?: (index: number) => number; tokenMs?: number } = {},
): Promise<OpenAiServer> {
  const firstTokenMs = options.firstTokenMs ?? ((i) => 5 + 5 * i);
  const tokenMs = options.tokenMs ?? 2;
  const state: Omit<OpenAiServer, 'url' | 'close'> = {
    bodies: [],
    models: [{ id: 'chimera', root: '/models/chimera', max_model_len: 4096 }],
    modelCalls: 0,
  };
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      state.modelCalls++;
      const created = Math.floor(Date.now() / 1000) + state.modelCalls;
      const data = state.models.map((m) => ({ ...m, object: 'model', created, owned_by: 'vllm' }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/completions') {
      res.writeHead(404).end();
      return;
    }
    if (state.failWith !== undefined) {
      res.writeHead(state.failWith).end('failing on purpose');
      return;
    }
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as ReceivedBody;
      state.bodies.push(body);
      const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
      const tokens = (i: number) =>
        Array.from(
          { length: body.max_tokens },
          (_, k) => `${k === 0 ? '' : ' '}${prompts[i]}#${k}`,
        );
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'text_completion',
            choices: prompts.map((_, i) => ({
              index: i,
              text: tokens(i).join(''),
              finish_reason: 'length',
            })),
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events: Array<{ at: number; data: string }> = [];
      prompts.forEach((_, i) => {
        tokens(i).forEach((text, k) => {
          events.push({
            at: firstTokenMs(i) + k * tokenMs,
            data: JSON.stringify({
              object: 'text_completion',
              choices: [
                { index: i, text, finish_reason: k === body.max_tokens - 1 ? 'length' : null },
              ],
            }),
          });
        });
      });
      events.sort((a, b) => a.at - b.at);
      const started = Date.now();
      const send = (k: number) => {
        if (k === events.length) {
          res.end('data: [DONE]\n\n');
          return;
        }
        const e = events[k] as { at: number; data: string };
        setTimeout(
          () => {
            res.write(`data: ${e.data}\n\n`);
            send(k + 1);
          },
          Math.max(0, started + e.at - Date.now()),
        );
      };
      send(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
