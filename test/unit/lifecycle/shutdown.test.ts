import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { closeServer, listen } from '../../../src/api/http-server';
import { createShutdown } from '../../../src/lifecycle/shutdown';
import { createLogger } from '../../../src/telemetry/logger';

const log = createLogger('silent');

function slowApp(delayMs: number) {
  const app = express();
  app.get('/slow', async (_req, res) => {
    await sleep(delayMs, undefined, { ref: false });
    res.json({ done: true });
  });
  app.get('/fast', (_req, res) => {
    res.json({ done: true });
  });
  return app;
}

describe('graceful shutdown', () => {
  it('finishes an in-flight request, refuses new connections, then closes', async () => {
    const { server, port } = await listen(slowApp(300), '127.0.0.1', 0);
    const inflight = fetch(`http://127.0.0.1:${port}/slow`);
    await sleep(50);
    const closing = closeServer(server, 5000);
    await sleep(20);
    await expect(fetch(`http://127.0.0.1:${port}/fast`)).rejects.toThrow();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    expect(await closing).toBe('drained');
  });

  it('cuts connections that outlast the grace period', async () => {
    const { server, port } = await listen(slowApp(5000), '127.0.0.1', 0);
    const inflight = fetch(`http://127.0.0.1:${port}/slow`).catch((err: unknown) => err);
    await sleep(50);
    const started = Date.now();
    expect(await closeServer(server, 200)).toBe('forced');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(String(await inflight)).toMatch(/fetch failed|terminated|socket/i);
  });

  it('runs every step once, in order, and reports 0', async () => {
    const order: string[] = [];
    const shutdown = createShutdown(
      [
        { name: 'a', run: async () => order.push('a') },
        { name: 'b', run: async () => order.push('b') },
      ],
      1000,
      log,
    );
    const [first, second] = await Promise.all([shutdown(), shutdown()]);
    expect([first, second]).toEqual([0, 0]);
    expect(order).toEqual(['a', 'b']);
  });

  it('reports 1 when a step fails or overruns the budget, and still runs the later steps', async () => {
    const ran: string[] = [];
    const shutdown = createShutdown(
      [
        { name: 'fails', run: async () => Promise.reject(new Error('boom')) },
        { name: 'hangs', run: () => new Promise(() => {}) },
        { name: 'store', run: async () => ran.push('store') },
      ],
      300,
      log,
    );
    const started = Date.now();
    expect(await shutdown()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ran).toEqual([]);
  });
});
