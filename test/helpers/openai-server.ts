// A small local server speaking OpenAI's completions API as vLLM does: POST /v1/completions
// with a string or list prompt, streaming (server-sent events, one token per chunk, each
// chunk's choice naming its prompt index, ending with `data: [DONE]`) or not; GET /v1/models.
// Prompt i's first token comes after `firstTokenMs(i)`, then one every `tokenMs`.
import { createServer, type Server } from 'node:http';

/** What the server received and how to stop it. */
export interface OpenAiServer {
  url: string;
  /** The request bodies received, in order. */
  bodies: Array<{ model: string; prompt: string | string[]; max_tokens: number; stream?: boolean }>;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export async function startOpenAiServer(
  options: { firstTokenMs?: (index: number) => number; tokenMs?: number } = {},
): Promise<OpenAiServer> {
  const firstTokenMs = options.firstTokenMs ?? ((i) => 5 + 5 * i);
  const tokenMs = options.tokenMs ?? 2;
  const bodies: OpenAiServer['bodies'] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'chimera', object: 'model' }] }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/completions') {
      res.writeHead(404).end();
      return;
    }
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as OpenAiServer['bodies'][number];
      bodies.push(body);
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
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
