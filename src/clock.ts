// The one clock. Code that needs "now" takes a Clock so tests control time without sleeping.

/** Source of the current time. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
