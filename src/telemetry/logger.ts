import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Log field paths whose values are replaced by "[redacted]": credentials never reach the log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.tokens',
];

/** Returns the process logger: structured JSON lines on stderr, so stdout stays for command output. */
export function createLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  return pino(
    {
      level,
      base: { service: 'insightagent' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
