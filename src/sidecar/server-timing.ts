// The Server-Timing header of a batched answer: where one request's time went inside the
// sidecar, so a client (and bench/sidecar) can tell the device's share from the sidecar's own.
import type { ServerResponse } from 'node:http';

/** How one prompt was served by a batch. */
export interface BatchTiming {
  size: number;
  /** From queued to its batch's start. */
  queueMs: number;
  /** The part of queueMs every in-flight slot was busy (the device's own queue). */
  deviceWaitMs: number;
  /** The batch's time as the backend states it. */
  backendMs: number;
}

/** When each answer's request arrived (performance.now); gone with the response. */
const arrivals = new WeakMap<ServerResponse, number>();

/** Notes that the request answered by `res` arrived now (before its body is read). */
export function noteArrivalAt(res: ServerResponse, at = performance.now()): void {
  arrivals.set(res, at);
}

/** Express middleware: notes when a request arrived, before its body is read. */
export function noteArrival(_req: unknown, res: ServerResponse, next: () => void): void {
  noteArrivalAt(res);
  next();
}

/**
 * Returns the Server-Timing value of one batched answer: `queue`, `device` (part of queue),
 * `backend`, and `sidecar` (arrival to now, everything inside the sidecar; absent when the
 * arrival was not noted), in milliseconds as measured (unrounded), and the batch size.
 */
export function serverTiming(
  batch: BatchTiming,
  res: ServerResponse,
  now = performance.now(),
): string {
  const arrived = arrivals.get(res);
  const parts = [
    `queue;dur=${batch.queueMs}`,
    `device;dur=${batch.deviceWaitMs}`,
    `backend;dur=${batch.backendMs}`,
  ];
  if (arrived !== undefined) parts.push(`sidecar;dur=${now - arrived}`);
  parts.push(`batch;desc="size ${batch.size}"`);
  return parts.join(', ');
}
