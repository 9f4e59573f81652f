// The alert state machine: per fingerprint (SLO + model + severity) inactive → firing → resolved,
// and firing again as a new episode. One call takes every SLO × model evaluated at one `now` and
// returns the new states and the notifications to send, grouped per model. Pure: the job loads
// the states, calls `stepAlerts`, then saves the states and enqueues the notifications together.
//
// Rules (docs/alerts.md has the table):
// - a fingerprint sends `firing` once per episode, `repeat` every repeatIntervalMs while it fires,
//   and `resolved` once, only when it told anyone it was firing;
// - while the page of an (SLO, model) fires, its ticket is suppressed: a ticket already firing is
//   folded into the page (its later resolve is silent) and a ticket starting under the page sends
//   nothing; once the page resolves, a ticket still firing is reminded like a repeat of the page;
// - a silenced alert advances its state but sends nothing; a `firing` it could not send goes out
//   once the silence ends, if it still fires;
// - an evaluation at or before the last applied `now` of its (SLO, model) is ignored (catch-up
//   replays), and each notification carries a key unique per (fingerprint, episode, kind, repeat)
//   for the outbox to deduplicate on.
import { createHash } from 'node:crypto';
import type { SloEvaluation } from '../slo/evaluate';
import {
  groupByModel,
  type NotificationGroup,
  type NotificationKind,
  type OutgoingNotification,
} from './grouping';
import type { AlertNotification, AlertSeverity } from './notification';
import { isSilenced, type Silence } from './silences';

/** Alertmanager's default repeat_interval: 4 hours. */
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** Where one fingerprint stands. */
export type AlertPhase = 'inactive' | 'firing' | 'resolved';

/** The figures an alert last carried; kept so a resolve after traffic stopped still has numbers. */
export interface AlertFigures {
  sli: number;
  objective: number;
  budget_remaining: number;
  burn_rates: Readonly<Record<string, number>>;
}

/** The state of one fingerprint; plain data, saved between evaluations. */
export interface AlertState {
  fingerprint: string;
  slo: string;
  model: string;
  severity: AlertSeverity;
  phase: AlertPhase;
  /** Episodes started so far; 0 while inactive. */
  episode: number;
  /** When the current (or last) episode started. */
  started_at_ms: number | null;
  resolved_at_ms: number | null;
  /** The `now` of the last evaluation applied; older or equal ones are ignored. */
  updated_at_ms: number;
  /** When a message last covered this episode (its own, or its page's while folded); null: none yet. */
  notified_at_ms: number | null;
  /** Whether this fingerprint itself said it was firing this episode, so owes a resolved message. */
  owes_resolved: boolean;
  /** Repeat messages sent this episode. */
  repeats: number;
  figures: AlertFigures;
}

/** Every state by fingerprint. */
export type AlertStates = Readonly<Record<string, AlertState>>;

/** One SLO × model as evaluated at `now`, with what its notifications should carry. */
export interface AlertInput {
  slo: string;
  model: string;
  evaluation: Pick<SloEvaluation, 'firing' | 'sli' | 'objective' | 'budget' | 'burn_rates'>;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  links?: { ui?: string; grafana?: string };
}

/** Options of one step; silences are matched on the labels plus slo, model and severity. */
export interface StepOptions {
  repeatIntervalMs?: number;
  silences?: readonly Silence[];
}

/** The outcome of one step. */
export interface StepResult {
  /** All states, the untouched ones included. */
  states: Record<string, AlertState>;
  /** Per model, sorted by model; notifications sorted by SLO, then page before ticket. */
  groups: NotificationGroup[];
  /** The (SLO, model) pairs whose evaluation was not newer than their state, so ignored. */
  ignored: { slo: string; model: string }[];
}

/** Returns the fingerprint of an alert: 16 hex digits of SHA-256 over (SLO, model, severity). */
export function alertFingerprint(slo: string, model: string, severity: AlertSeverity): string {
  return createHash('sha256')
    .update(JSON.stringify([slo, model, severity]))
    .digest('hex')
    .slice(0, 16);
}

/** Returns the state of a fingerprint never seen: inactive, never updated. */
export function inactiveState(slo: string, model: string, severity: AlertSeverity): AlertState {
  return {
    fingerprint: alertFingerprint(slo, model, severity),
    slo,
    model,
    severity,
    phase: 'inactive',
    episode: 0,
    started_at_ms: null,
    resolved_at_ms: null,
    updated_at_ms: Number.NEGATIVE_INFINITY,
    notified_at_ms: null,
    owes_resolved: false,
    repeats: 0,
    figures: { sli: 1, objective: 0, budget_remaining: 1, burn_rates: {} },
  };
}

/**
 * Returns the states after the evaluations of one `now` and the notifications they call for,
 * grouped per model. Throws a RangeError on a repeat interval that is not positive.
 */
export function stepAlerts(
  states: AlertStates,
  inputs: readonly AlertInput[],
  now: Date,
  options: StepOptions = {},
): StepResult {
  const repeatMs = options.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS;
  if (!(Number.isFinite(repeatMs) && repeatMs > 0))
    throw new RangeError(`repeatIntervalMs must be a positive number of ms, got ${repeatMs}`);
  const ctx: StepContext = { nowMs: now.getTime(), repeatMs, silences: options.silences ?? [] };
  const next: Record<string, AlertState> = { ...states };
  const out: OutgoingNotification[] = [];
  const ignored: StepResult['ignored'] = [];

  for (const input of inputs) {
    const { slo, model } = input;
    const page = next[alertFingerprint(slo, model, 'page')] ?? inactiveState(slo, model, 'page');
    const ticket =
      next[alertFingerprint(slo, model, 'ticket')] ?? inactiveState(slo, model, 'ticket');
    if (ctx.nowMs <= Math.max(page.updated_at_ms, ticket.updated_at_ms)) {
      ignored.push({ slo, model });
      continue;
    }
    const firing = input.evaluation.firing;
    const pageStep = advance(page, input, firing === 'page', ctx, false);
    const pageFires = pageStep.state.phase === 'firing';
    // The ticket is active whenever the budget burns at ticket rate or faster, so a page that
    // resolves into a slower burn continues the ticket's episode rather than starting one.
    const ticketStep = advance(ticket, input, firing !== null, ctx, pageFires);
    const ticketState = pageFires ? foldInto(ticketStep.state, pageStep.state) : ticketStep.state;
    next[page.fingerprint] = pageStep.state;
    next[ticket.fingerprint] = ticketState;
    out.push(...pageStep.sent, ...ticketStep.sent);
  }
  return { states: next, groups: groupByModel(out), ignored };
}

interface StepContext {
  nowMs: number;
  repeatMs: number;
  silences: readonly Silence[];
}

// While the page fires, a firing ticket is covered by it: the page's messages count as the
// ticket's (so its repeat clock runs from the page's last message) and the page's resolved
// message stands for it.
function foldInto(ticket: AlertState, page: AlertState): AlertState {
  if (ticket.phase !== 'firing') return ticket;
  return { ...ticket, notified_at_ms: page.notified_at_ms, owes_resolved: false };
}

function advance(
  prev: AlertState,
  input: AlertInput,
  active: boolean,
  ctx: StepContext,
  suppressed: boolean,
): { state: AlertState; sent: OutgoingNotification[] } {
  const { nowMs } = ctx;
  const figures = figuresOf(input, prev.figures);
  const base: AlertState = { ...prev, figures, updated_at_ms: nowMs };
  const labels = {
    ...input.labels,
    slo: prev.slo,
    model: prev.model,
    severity: prev.severity,
  };
  const silenced = isSilenced(labels, ctx.silences, new Date(nowMs));

  if (!active) {
    if (prev.phase !== 'firing') return { state: base, sent: [] };
    const state: AlertState = {
      ...base,
      phase: 'resolved',
      resolved_at_ms: nowMs,
      owes_resolved: false,
    };
    const sent =
      prev.owes_resolved && !silenced
        ? [outgoing(state, input, 'resolved', `${keyOf(state)}:resolved`)]
        : [];
    return { state, sent };
  }

  const state: AlertState =
    prev.phase === 'firing'
      ? base
      : {
          ...base,
          phase: 'firing',
          episode: prev.episode + 1,
          started_at_ms: nowMs,
          resolved_at_ms: null,
          notified_at_ms: null,
          owes_resolved: false,
          repeats: 0,
        };
  if (suppressed || silenced) return { state, sent: [] };
  if (state.notified_at_ms === null) {
    const told = { ...state, notified_at_ms: nowMs, owes_resolved: true };
    return { state: told, sent: [outgoing(told, input, 'firing', `${keyOf(told)}:firing`)] };
  }
  if (nowMs - state.notified_at_ms < ctx.repeatMs) return { state, sent: [] };
  const told = { ...state, notified_at_ms: nowMs, owes_resolved: true, repeats: state.repeats + 1 };
  return {
    state: told,
    sent: [outgoing(told, input, 'repeat', `${keyOf(told)}:repeat:${told.repeats}`)],
  };
}

function keyOf(state: AlertState): string {
  return `${state.fingerprint}:${state.episode}`;
}

// An SLI or budget the evaluation could not compute (no events) keeps the last known figure.
function figuresOf(input: AlertInput, last: AlertFigures): AlertFigures {
  const e = input.evaluation;
  const burn_rates: Record<string, number> = {};
  for (const [window, rate] of Object.entries(e.burn_rates))
    if (rate !== null) burn_rates[window] = rate;
  return {
    sli: e.sli ?? last.sli,
    objective: e.objective,
    budget_remaining: e.budget.remaining_fraction ?? last.budget_remaining,
    burn_rates,
  };
}

function outgoing(
  state: AlertState,
  input: AlertInput,
  kind: NotificationKind,
  key: string,
): OutgoingNotification {
  const notification: AlertNotification = {
    status: kind === 'resolved' ? 'resolved' : 'firing',
    fingerprint: state.fingerprint,
    slo: state.slo,
    model: state.model,
    severity: state.severity,
    sli: state.figures.sli,
    objective: state.figures.objective,
    budget_remaining: state.figures.budget_remaining,
    burn_rates: state.figures.burn_rates,
    started_at: new Date(state.started_at_ms ?? state.updated_at_ms),
    labels: { ...input.labels },
    annotations: { ...input.annotations },
    links: { ...input.links },
  };
  if (kind === 'resolved') notification.resolved_at = new Date(state.updated_at_ms);
  return { key, kind, notification };
}
