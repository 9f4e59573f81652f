import { AppError } from '../../errors';

/** An OTLP body that is not a valid export request: answered 400 with a google.rpc.Status. */
export class OtlpDecodeError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('otlp_decode_failed', 400, message, options);
    this.name = 'OtlpDecodeError';
  }
}
