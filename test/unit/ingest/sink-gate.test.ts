import { AppError } from '../../../src/errors';
import { emptyRows, type RowSink, type TableRows } from '../../../src/ingest/rows';
import { SinkGate } from '../../../src/ingest/sink-gate';
import { rejection } from '../../helpers/rejection';

describe('SinkGate', () => {
  it('refuses with 503 ingest_not_ready until opened, then passes writes through', async () => {
    const received: TableRows[] = [];
    const sink: RowSink = {
      write: async (rows) => {
        received.push(rows);
      },
    };
    const gate = new SinkGate(sink);
    const rows = emptyRows();

    expect(gate.refusal()).toMatchObject({ code: 'ingest_not_ready', status: 503 });
    const refused = await rejection(gate.write(rows), AppError);
    expect(refused).toMatchObject({ code: 'ingest_not_ready', status: 503, retryAfterSeconds: 1 });
    expect(gate.isOpen).toBe(false);
    expect(received).toEqual([]);

    gate.open();
    expect(gate.refusal()).toBeUndefined();
    await gate.write(rows);
    expect(gate.isOpen).toBe(true);
    expect(received).toEqual([rows]);
  });

  it('passes the sink refusal through unchanged', async () => {
    const saturated = new AppError('ingest_saturated', 429, 'full', { retryAfterSeconds: 1 });
    const gate = new SinkGate({ write: () => Promise.reject(saturated) });
    gate.open();
    expect(await rejection(gate.write(emptyRows()), AppError)).toBe(saturated);
  });
});
