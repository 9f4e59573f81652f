// What the alert state machine hands to the channels: one alert of one SLO for one model, as it
// stands when the notification is made (firing, repeated while firing, or resolved).

/** Page (fast burn, wake someone) or ticket (slow burn, next working day). */
export type AlertSeverity = 'page' | 'ticket';

/** Whether the alert is firing or has resolved. */
export type AlertStatus = 'firing' | 'resolved';

/** One alert notification; ratios are fractions (0.995), not percentages. */
export interface AlertNotification {
  status: AlertStatus;
  /** Stable identity of the alert: SLO + model + severity. */
  fingerprint: string;
  slo: string;
  model: string;
  severity: AlertSeverity;
  /** The SLI over the SLO window (good / valid). */
  sli: number;
  objective: number;
  /** The fraction of the error budget left over the SLO window; negative once overspent. */
  budget_remaining: number;
  /** Burn rate per window, keyed by the window as written (`5m`, `1h`), in display order. */
  burn_rates: Readonly<Record<string, number>>;
  started_at: Date;
  resolved_at?: Date;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Deep links; a channel falls back to its configured `ui_url` / `grafana_url`. */
  links: { ui?: string; grafana?: string };
}
