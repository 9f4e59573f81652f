import type { ServerResponse } from 'node:http';
import { noteArrival, noteArrivalAt, serverTiming } from '../../../src/sidecar/server-timing';

const batch = { size: 3, queueMs: 7.123, deviceWaitMs: 4.5, backendMs: 26 };

test('a noted arrival gives the time inside the sidecar beside queue, device wait and backend', () => {
  const res = {} as ServerResponse;
  let nexted = false;
  const before = performance.now();
  noteArrival({}, res, () => {
    nexted = true;
  });
  expect(nexted).toBe(true);
  const inside = /sidecar;dur=([\d.]+)/.exec(serverTiming(batch, res, before + 1_000))?.[1];
  expect(Number(inside)).toBeGreaterThan(999); // noted a moment after `before`
  expect(Number(inside)).toBeLessThanOrEqual(1_000);
  noteArrivalAt(res, 100);
  expect(serverTiming(batch, res, 135.5)).toBe(
    'queue;dur=7.123, device;dur=4.5, backend;dur=26, sidecar;dur=35.5, batch;desc="size 3"',
  );
});

test('without a noted arrival the sidecar figure is left out, not made up', () => {
  const res = {} as ServerResponse;
  expect(serverTiming(batch, res, 1_000)).toBe(
    'queue;dur=7.123, device;dur=4.5, backend;dur=26, batch;desc="size 3"',
  );
});
