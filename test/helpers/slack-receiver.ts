// A local stand-in for a Slack incoming webhook: answers 200 "ok" and keeps every JSON body
// with the test clock's time of arrival.
import { createServer } from 'node:http';

/** One message as the receiver got it. */
export interface SlackDelivery {
  at: number;
  body: { text: string; blocks: Array<{ type: string; fields?: Array<{ text: string }> }> };
}

/** A started receiver: its webhook URL, what it got, and close(). */
export interface SlackReceiver {
  url: string;
  received: SlackDelivery[];
  close(): Promise<void>;
}

/** Starts the receiver on a free loopback port; `now` stamps each arrival. */
export async function startSlackReceiver(now: () => number): Promise<SlackReceiver> {
  const received: SlackDelivery[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => {
      received.push({ at: now(), body: JSON.parse(data) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
