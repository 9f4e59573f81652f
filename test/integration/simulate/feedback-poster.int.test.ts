// The simulator's feedback poster against the real feedback API: only the items the API accepts
// count as posted (refused ones count as errors), and with the API gone an item is sent again a
// bounded number of times, then dropped and counted lost.

import { createFeedbackPoster, MAX_RETRIES } from '../../../src/simulate/feedback-poster';
import type { FeedbackItem } from '../../../src/simulate/label-schedule';
import { LIVE_TOKEN, type LiveStack, startLiveStack } from '../../helpers/live-stack';
import { freePort } from '../../helpers/net';

let stack: LiveStack;
beforeAll(async () => {
  stack = await startLiveStack('feedback_poster');
});
afterAll(() => stack.close());

const item = (over: Partial<FeedbackItem> = {}): FeedbackItem => ({
  response_id: `cmpl-${Math.random().toString(16).slice(2)}`,
  name: 'coherence',
  value: 0.9,
  ts: Date.now(),
  ...over,
});

it('counts as posted only what the API accepted', async () => {
  const posted: FeedbackItem[] = [];
  const lost: number[] = [];
  const poster = createFeedbackPoster({
    url: stack.apiBase,
    token: LIVE_TOKEN,
    clock: () => Date.now(),
    onPosted: (items) => posted.push(...items),
    onError: (_err, n) => lost.push(n),
  });
  const good = item();
  const refused = item({ value: undefined }); // neither a value nor a label: 400 for this item
  poster.add(good, Date.now());
  poster.add(refused, Date.now());
  expect(await poster.close()).toEqual({ pending: 0 });
  expect(posted).toEqual([good]);
  expect(lost).toEqual([1]);
});

it('sends again while the API is gone, then drops the item and counts it lost', async () => {
  const closed = await freePort();
  const lost: number[] = [];
  const poster = createFeedbackPoster({
    url: `http://127.0.0.1:${closed}`,
    clock: () => Date.now(),
    intervalMs: 5,
    onError: (_err, n) => lost.push(n),
  });
  poster.add(item(), Date.now());
  const deadline = Date.now() + 10_000;
  while (!lost.includes(1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // MAX_RETRIES sends again (each counted 0 lost), then one count of 1: nothing held any more.
  expect(lost.filter((n) => n === 0)).toHaveLength(MAX_RETRIES);
  expect(lost.filter((n) => n === 1)).toHaveLength(1);
  expect(await poster.close()).toEqual({ pending: 0 });
});
