import { Problems } from '../../../src/ingest/genai/problems';

describe('the partial-success summary', () => {
  it.each<[string, (p: Problems) => void, number, string]>([
    ['nothing to say', () => {}, 0, ''],
    ['one refusal', (p) => p.refuse('end before start'), 1, '1 span refused: end before start (1)'],
    [
      'counts per reason, first example kept',
      (p) => {
        p.refuse('negative TTFT', '-1');
        p.refuse('negative TTFT', '-2');
        p.refuse('trace_id must be 16 bytes');
      },
      3,
      '3 spans refused: negative TTFT (2, e.g. -1), trace_id must be 16 bytes (1)',
    ],
    [
      'a warning only: rejected stays 0',
      (p) => p.dropScore('accuracy outside [0, 1]', '1.7'),
      0,
      '1 score dropped: accuracy outside [0, 1] (1, e.g. 1.7)',
    ],
    [
      'both',
      (p) => {
        p.dropScore('a');
        p.dropScore('b');
        p.refuse('c');
      },
      1,
      '1 span refused: c (1); 2 scores dropped: a (1), b (1)',
    ],
    [
      'at most 8 reasons listed',
      (p) => {
        for (let i = 0; i < 11; i++) p.refuse(`r${i}`);
      },
      11,
      '11 spans refused: r0 (1), r1 (1), r2 (1), r3 (1), r4 (1), r5 (1), r6 (1), r7 (1), 3 more reasons',
    ],
  ])('%s', (_label, record, rejected, message) => {
    const problems = new Problems('span');
    record(problems);
    expect(problems.rejected).toBe(rejected);
    expect(problems.message()).toBe(message);
  });
});
