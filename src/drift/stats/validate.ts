// Input checks shared by the drift statistics. Each throws a RangeError that names the argument.

/** Throws a RangeError unless `xs` is a non-empty array of finite numbers; returns `xs`. */
export function requireSample(name: string, xs: readonly number[]): readonly number[] {
  if (xs.length === 0) throw new RangeError(`${name} must not be empty`);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    if (!Number.isFinite(x))
      throw new RangeError(`${name}[${i}] must be a finite number, got ${x}`);
  }
  return xs;
}

/** Throws a RangeError unless `xs` is a non-empty array of finite, non-negative numbers. */
export function requireCounts(name: string, xs: readonly number[]): readonly number[] {
  requireSample(name, xs);
  for (let i = 0; i < xs.length; i++) {
    if ((xs[i] as number) < 0) throw new RangeError(`${name}[${i}] must not be negative`);
  }
  return xs;
}

/** Throws a RangeError unless the two arrays have the same length. */
export function requireSameLength(
  nameA: string,
  a: readonly unknown[],
  nameB: string,
  b: readonly unknown[],
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `${nameA} and ${nameB} must have the same length, got ${a.length} and ${b.length}`,
    );
  }
}

/** Throws a RangeError unless `n` is a positive integer. */
export function requirePositiveInteger(name: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${n}`);
  }
  return n;
}
