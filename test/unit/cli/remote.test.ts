import { callRemote, requestRemote } from '../../../src/cli/remote';
import { StoreError } from '../../../src/store/store';

// Port 1 is on fetch's list of bad ports: the request fails before any answer, with no cause.
const DEAD = 'http://127.0.0.1:1';
const locked = new StoreError('store_locked', 'the data directory is locked. Another process');

describe('a remote request to an address where no API answers', () => {
  it.each([
    [
      'a drift read, store free',
      undefined,
      `no insightagent API answered at ${DEAD}. Set INSIGHTAGENT_URL (and INSIGHTAGENT_TOKEN, a token with the read scope) to the running server, or stop it to use the store directly.`,
    ],
    [
      'a drift read, store locked',
      locked,
      `another process owns the embedded store (the data directory is locked), so the request went to the API of the server that runs on it, but no insightagent API answered at ${DEAD}. Set INSIGHTAGENT_URL (and INSIGHTAGENT_TOKEN, a token with the read scope) to the running server, or stop it to use the store directly.`,
    ],
  ])('%s: 503 server_unreachable in the default wording', async (_, l, message) => {
    const call = callRemote({ url: DEAD, locked: l }, { method: 'GET', path: '/x', scope: 'read' });
    await expect(call).rejects.toMatchObject({ code: 'server_unreachable', status: 503 });
    await expect(call).rejects.toThrow(message);
  });

  it("words the sql command's query as it asks", async () => {
    const call = requestRemote(
      { url: DEAD, locked },
      {
        method: 'POST',
        path: '/api/v1/sql',
        body: { query: 'SELECT 1' },
        scope: 'admin',
        wording: { sent: 'query', token: 'an admin token', direct: 'query the store directly' },
      },
    );
    await expect(call).rejects.toMatchObject({ code: 'server_unreachable' });
    await expect(call).rejects.toThrow(
      `another process owns the embedded store (the data directory is locked), so the query went to the API of the server that runs on it, but no insightagent API answered at ${DEAD}. Set INSIGHTAGENT_URL (and INSIGHTAGENT_TOKEN, an admin token) to the running server, or stop it to query the store directly.`,
    );
  });
});
