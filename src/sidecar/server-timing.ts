// The Server-Timing header of a batched answer: where one request's time went inside the
// sidecar, so a client (and bench/sidecar) can tell the device's share from the sidecar's own.
import type { Response } from 'express';

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

const ARRIVED = 'insightagentArrivedAt';

/** Express middleware: notes when a request arrived (performance.now), before its body is read. */
export function noteArrival(_req: unknown, res: Response, next: () => void): void {
  res.locals[ARRIVED] = performance.now();
  next();
}

/**
 * Returns the Server-Timing value of one batched answer: `queue`, `device` (part of queue),
 * `backend`, and `sidecar` (arrival to now, everything inside the sidecar; absent when the
 * arrival was not noted), in milliseconds as measured (unrounded), and the batch size.
 */
export function serverTiming(batch: BatchTiming, res: Response, now = performance.now()): string {
  const arrived = res.locals[ARRIVED] as number | undefined;
  const parts = [
    `queue;dur=${batch.queueMs}`,
    `device;dur=${batch.deviceWaitMs}`,
    `backend;dur=${batch.backendMs}`,
  ];
  if (arrived !== undefined) parts.push(`sidecar;dur=${now - arrived}`);
  parts.push(`batch;desc="size ${batch.size}"`);
  return parts.join(', ');
}
