// Text shared by the channels: how ratios, budgets and burn rates read in a message.
import type { AlertNotification } from '../notification';

/** Returns a fraction as a percentage with two decimals: 0.99512 → "99.51 %". */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

/** Returns the burn rates in window order: "1h 14.40x · 5m 16.02x", or "—" when none. */
export function burnRatesText(burnRates: Readonly<Record<string, number>>): string {
  const parts = Object.entries(burnRates).map(([w, r]) => `${w} ${r.toFixed(2)}x`);
  return parts.length === 0 ? '—' : parts.join(' · ');
}

/** Returns the one-line summary of a notification, for titles and fallbacks. */
export function summary(n: AlertNotification): string {
  const verb = n.status === 'firing' ? 'FIRING' : 'RESOLVED';
  return `[${verb}] ${n.severity}: SLO ${n.slo} for model ${n.model}`;
}

/** Returns the SLI against the objective: "99.12 % vs 99.50 %". */
export function sliText(n: AlertNotification): string {
  return `${percent(n.sli)} vs ${percent(n.objective)}`;
}

/** Returns the longer description: SLI, budget and burn rates. */
export function description(n: AlertNotification): string {
  return `SLI ${sliText(n)} objective; error budget remaining ${percent(n.budget_remaining)}; burn rates ${burnRatesText(n.burn_rates)}.`;
}
