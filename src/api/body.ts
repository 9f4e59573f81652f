import type { z } from 'zod';
import { AppError } from '../errors';

/** Returns the parsed JSON body, or throws 400 `invalid_body` naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const message = result.error.issues
    .map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.join(', ')}`
        : `${issue.path.length === 0 ? 'body' : issue.path.join('.')}: ${issue.message}`,
    )
    .join('; ');
  throw new AppError('invalid_body', 400, message);
}
