// A store that can be taken down: the real embedded ClickHouse behind a wrapper of its
// @clickhouse/client (and of chDB's raw insert) that, while a fault is set, fails every call as
// an outage of a ClickHouse server does — connection refused, the socket hung up, or the server's
// own "not now" (TOO_MANY_PARTS, a read-only replica) — or answers only after a delay (slow). Nothing in the Store or above it knows about the wrapper.
import { randomBytes } from 'node:crypto';
import { type ClickHouseClient, ClickHouseError } from '@clickhouse/client';
import { openEmbeddedClient } from '../../src/store/open';
import { NO_RETRY, type RawInsert, Store, type StoreCallEvent } from '../../src/store/store';

/**
 * What an outage looks like to the client: no connection, a dropped one, a server that answers
 * it cannot take the statement now (a ClickHouse exception such as TOO_MANY_PARTS), or a slow
 * store that answers after `delayMs` or once up.
 */
export type Fault =
  | { kind: 'refused' }
  | { kind: 'hangup' }
  | { kind: 'busy'; code: string; type: string }
  | { kind: 'slow'; delayMs: number };

/** One call reaching the store: the client method (or chDB's raw insert) and its table if any. */
export interface StoreCall {
  method: string;
  /** The Store's tag of the call (e.g. `slo.availability_minutes`), from its query id. */
  tag?: string;
  table?: string;
  /** The rows of a raw insert (embedded mode's ingest path). */
  body?: Buffer;
}

/**
 * A store with a switch: `down(fault)` until `up()`, or `downAt(match, fault, calls)` for an
 * outage that starts with the first call `match` accepts and ends by itself after failing `calls`
 * calls (a dropped connection: 1); `failed` counts the calls the fault failed.
 */
export interface FaultyStore {
  store: Store;
  down(fault?: Fault): void;
  downAt(match: (call: StoreCall) => boolean, fault?: Fault, calls?: number): void;
  /** From now until `up()`, the store answers every call `match` accepts with an error (not a fault). */
  refuseWhere(match: (call: StoreCall) => boolean): void;
  up(): void;
  readonly isDown: boolean;
  readonly failed: number;
}

// The client methods that reach the server; anything else (close) passes through.
const CALLS = new Set(['query', 'command', 'insert', 'exec', 'ping']);

/** Returns the error the client raises for `fault` (Node's, or the client's ClickHouseError). */
export function outageError(fault: Exclude<Fault, { kind: 'slow' }>): Error {
  if (fault.kind === 'busy') {
    return new ClickHouseError({
      message: `${fault.type} (simulated): the server cannot take this statement now. `,
      code: fault.code,
      type: fault.type,
    });
  }
  if (fault.kind === 'hangup')
    return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: '127.0.0.1',
    port: 8123,
  });
}

/** Returns the error a ClickHouse server answers rows it cannot parse with. */
export function refusalError(): Error {
  return new Error(
    "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'x'. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)",
  );
}

/**
 * Opens the embedded store for one suite, in a database of its own (as openTestStore), behind a
 * switchable fault.
 */
export function openFaultyStore(
  suite: string,
  onCall?: (event: StoreCallEvent) => void,
): FaultyStore {
  const database = `test_${suite.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const { client, rawInsert } = openEmbeddedClient(':memory:');
  let fault: Fault | undefined;
  let armed: { match: (call: StoreCall) => boolean; fault: Fault; calls: number } | undefined;
  // Calls the fault may still fail before the store is back by itself.
  let remaining = Number.POSITIVE_INFINITY;
  let failed = 0;
  let refusing: ((call: StoreCall) => boolean) | undefined;
  // Calls held by a slow fault: released at their delay, or all at once when the store is up.
  const held = new Set<() => void>();

  // Resolves when the call may go ahead; rejects as the outage would.
  async function gate(call: StoreCall): Promise<void> {
    if (refusing?.(call)) throw refusalError();
    if (armed?.match(call)) {
      fault = armed.fault;
      remaining = armed.calls;
      armed = undefined;
    }
    const now = fault;
    if (now === undefined) return;
    if (now.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          held.delete(release);
          resolve();
        };
        const timer = setTimeout(release, now.delayMs);
        held.add(release);
      });
      return;
    }
    failed++;
    if (--remaining <= 0) fault = undefined;
    throw outageError(now);
  }

  const faultyClient = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !CALLS.has(prop)) return value.bind(target);
      if (prop === 'ping') {
        // The client's ping never throws: it answers { success: false, error } on a failure.
        return async () => {
          try {
            await gate({ method: prop });
          } catch (error) {
            return { success: false, error };
          }
          return target.ping();
        };
      }
      return async (...args: unknown[]) => {
        const params = args[0] as { table?: unknown; query_id?: unknown } | undefined;
        const call: StoreCall = { method: prop };
        if (typeof params?.table === 'string') call.table = params.table;
        const tag = /^insightagent:(.+):[0-9a-f-]{36}$/.exec(String(params?.query_id))?.[1];
        if (tag !== undefined) call.tag = tag;
        await gate(call);
        return value.apply(target, args);
      };
    },
  }) as ClickHouseClient;
  const faultyInsert: RawInsert = async (params) => {
    await gate({ method: 'rawInsert', table: params.table, body: params.values });
    return rawInsert(params);
  };

  const store = new Store(faultyClient, {
    mode: 'embedded',
    database,
    retry: NO_RETRY,
    onCall,
    rawInsert: faultyInsert,
  });
  return {
    store,
    down(next: Fault = { kind: 'refused' }) {
      fault = next;
      remaining = Number.POSITIVE_INFINITY;
    },
    downAt(match, next: Fault = { kind: 'refused' }, calls = Number.POSITIVE_INFINITY) {
      armed = { match, fault: next, calls };
    },
    refuseWhere(match) {
      refusing = match;
    },
    up() {
      fault = undefined;
      armed = undefined;
      refusing = undefined;
      for (const release of [...held]) release();
    },
    get isDown() {
      return fault !== undefined;
    },
    get failed() {
      return failed;
    },
  };
}
