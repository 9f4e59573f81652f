// A request node's HTTP parser refuses (headers over 16 KiB, a malformed request line) gets a
// JSON error body naming what was wrong, on a real server started by listen(), and the server
// goes on answering.
import { connect } from 'node:net';
import { closeServer, type Listening, listen } from '../../../src/api/http-server';

let served: Listening;

beforeAll(async () => {
  served = await listen((_req, res) => res.end('ok'), '127.0.0.1', 0);
});

afterAll(async () => {
  await closeServer(served.server, 1_000);
});

// Sends raw bytes and returns everything the server wrote before closing.
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(served.port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.end(bytes);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('listen: requests the HTTP parser refuses', () => {
  it('answers headers over 16 KiB (the node default) 431 with a JSON error naming the limit', async () => {
    const answer = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n')).toBe(true);
    expect(bodyOf(answer)).toEqual({
      error: {
        code: 'headers_too_large',
        message: 'the request line and headers are over the server limit of 16384 bytes',
      },
    });
  });

  it('answers a malformed request line 400 with a JSON error', async () => {
    const answer = await raw('NOT AN HTTP REQUEST\r\n\r\n');
    expect(answer.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(bodyOf(answer).error.code).toBe('malformed_request');
    expect(bodyOf(answer).error.message).toMatch(/^malformed HTTP request \(HPE_/);
  });

  it('still answers a good request afterwards', async () => {
    const res = await fetch(`http://127.0.0.1:${served.port}/`);
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
  });
});
