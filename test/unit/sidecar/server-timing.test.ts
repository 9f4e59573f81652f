import type { Response } from 'express';
import { noteArrival, serverTiming } from '../../../src/sidecar/server-timing';

const batch = { size: 3, queueMs: 7.123, deviceWaitMs: 4.5, backendMs: 26 };

test('a noted arrival gives the time inside the sidecar beside queue, device wait and backend', () => {
  const res = { locals: {} } as unknown as Response;
  let nexted = false;
  noteArrival({}, res, () => {
    nexted = true;
  });
  expect(nexted).toBe(true);
  const arrived = res.locals.insightagentArrivedAt as number;
  expect(serverTiming(batch, res, arrived + 35.5)).toBe(
    'queue;dur=7.123, device;dur=4.5, backend;dur=26, sidecar;dur=35.5, batch;desc="size 3"',
  );
});

test('without a noted arrival the sidecar figure is left out, not made up', () => {
  const res = { locals: {} } as unknown as Response;
  expect(serverTiming(batch, res, 1_000)).toBe(
    'queue;dur=7.123, device;dur=4.5, backend;dur=26, batch;desc="size 3"',
  );
});
