// The direct path reads a plain JSON body itself and leaves every other body, and every body it
// cannot parse, to body-parser (server-direct.int checks that both paths then answer alike).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { type BodyParser, jsonBodyReader, parsePlain } from '../../../src/sidecar/routes/json-body';

describe('parsePlain', () => {
  it.each([
    ['an object', '{"a":1}', { a: 1 }],
    ['an array', '[1,2]', [1, 2]],
    ['an empty body, as body-parser reads it', '', {}],
    ['an object after a byte order mark', '\uFEFF{"a":1}', { a: 1 }],
    ['an object after JSON whitespace', '\r\n\t {"a":1}', { a: 1 }],
  ])('takes %s', (_name, text, value) => {
    expect(parsePlain(Buffer.from(text))).toEqual({ ok: true, value });
  });

  it.each([
    ['a string (body-parser is strict)', '"a"'],
    ['a number', '1'],
    ['whitespace alone', '  '],
    ['broken JSON', '{"a":'],
    ['JSON followed by more', '{"a":1}x'],
  ])('leaves %s to body-parser', (_name, text) => {
    expect(parsePlain(Buffer.from(text))).toEqual({ ok: false });
  });
});

describe('jsonBodyReader', () => {
  let server: Server;
  let url = '';
  const fallbacks: string[] = [];
  const LIMIT = 1024;

  beforeAll(async () => {
    const bodyParser = express.json({ limit: LIMIT }) as unknown as BodyParser;
    const read = jsonBodyReader(LIMIT, (req, res, next) => {
      fallbacks.push(String(req.headers['x-case']));
      bodyParser(req, res, next);
    });
    server = createServer((req, res) => {
      read(req, res, (err) => {
        const status = (err as { status?: number } | undefined)?.status ?? 200;
        res.statusCode = status;
        res.end(JSON.stringify(err === undefined ? (req as { body?: unknown }).body : null));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    fallbacks.length = 0;
  });

  async function send(
    name: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-case': name, ...headers },
      body,
    });
    return { status: res.status, body: JSON.parse(await res.text()) };
  }

  it('reads a plain JSON body without body-parser', async () => {
    expect(await send('plain', '{"a":1}')).toEqual({ status: 200, body: { a: 1 } });
    const utf8 = { 'content-type': 'application/json; charset=utf-8' };
    expect(await send('utf-8', '{"b":"é"}', utf8)).toEqual({ status: 200, body: { b: 'é' } });
    expect(fallbacks).toEqual([]);
  });

  it('hands a body it cannot parse to body-parser, whose refusal stands', async () => {
    expect(await send('broken', '{"a":')).toEqual({ status: 400, body: null });
    expect(fallbacks).toEqual(['broken']);
  });

  it('leaves compressed, other-typed and over-limit bodies to body-parser', async () => {
    const gzip = { 'content-encoding': 'gzip' };
    expect(await send('gzip', gzipSync('{"a":1}'), gzip)).toEqual({ status: 200, body: { a: 1 } });
    const latin1 = { 'content-type': 'application/json; charset=iso-8859-1' };
    expect((await send('latin-1', '{"a":1}', latin1)).status).toBe(415);
    expect((await send('too large', `{"a":"${'x'.repeat(LIMIT)}"}`)).status).toBe(413);
    expect(fallbacks).toEqual(['gzip', 'latin-1', 'too large']);
  });
});
