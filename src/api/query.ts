import type { z } from 'zod';
import { AppError } from '../errors';

/** Returns the parsed query string, or throws 400 `invalid_parameter` naming each bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const message = result.error.issues
    .map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown query parameter ${issue.keys.join(', ')}`
        : `${String(issue.path[0] ?? '')}: ${issue.message}`,
    )
    .join('; ');
  throw new AppError('invalid_parameter', 400, message);
}
