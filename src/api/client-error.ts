// What a server answers to a request node's HTTP parser refused before any handler saw it. Node's
// own answer is a bare status line with no body (431 for headers over --max-http-header-size,
// 400 for a malformed request); this one carries the API's error shape, naming what was wrong.
// Handlers cannot do it: the request never reaches them.
import { maxHeaderSize } from 'node:http';

/** The raw HTTP answer to a parser error, or undefined when the socket should just close. */
export function clientErrorAnswer(err: NodeJS.ErrnoException): string | undefined {
  const refusal = refusalOf(err);
  if (refusal === undefined) return undefined;
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  return [
    `HTTP/1.1 ${refusal.status} ${refusal.reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

interface Refusal {
  status: number;
  reason: string;
  code: string;
  message: string;
}

function refusalOf(err: NodeJS.ErrnoException): Refusal | undefined {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined; // the client is gone: nobody to answer
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        code: 'headers_too_large',
        message: `the request line and headers are over the server limit of ${maxHeaderSize} bytes`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        code: 'request_timeout',
        message: 'the request was not received in time',
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        code: 'malformed_request',
        message: `malformed HTTP request (${err.code ?? 'parse error'})`,
      };
  }
}
