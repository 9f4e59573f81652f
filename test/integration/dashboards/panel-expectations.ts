// What each panel's query must return, by dashboard uid and panel title. Time-series panels are
// also checked by shape (a time column first, at least one numeric column); `columns` names the
// columns a table, stat or bar chart reads; `nonEmpty` panels must show rows of the test data.
export interface PanelExpectation {
  columns?: readonly string[];
  nonEmpty?: boolean;
}

export const PANEL_EXPECTATIONS: Readonly<
  Record<string, Readonly<Record<string, PanelExpectation>>>
> = {
  'insightagent-slos': {
    'SLOs now': {
      columns: [
        'slo',
        'latest_sli',
        'latest_objective',
        'latest_budget_remaining',
        'latest_firing',
        'last_evaluated_at',
      ],
      nonEmpty: true,
    },
    'SLI against objective': { columns: ['time', 'slo', 'worst_sli', 'target'], nonEmpty: true },
    'Error budget remaining': { columns: ['time', 'slo', 'min_budget_remaining'], nonEmpty: true },
    'Burn rates': { columns: ['time', 'series', 'burn_rate'], nonEmpty: true },
    'Firing alerts': {
      columns: ['slo', 'severity', 'phase', 'started_at', 'sli', 'budget_remaining', 'updated_at'],
      nonEmpty: true,
    },
    'Firing conditions': { columns: ['time', 'slo', 'firing_level'], nonEmpty: true },
  },
  'insightagent-inference': {
    'Requests in range': {
      columns: ['total_requests', 'total_errors', 'error_ratio'],
      nonEmpty: true,
    },
    'TTFT p95 in range': { columns: ['ttft_p95_ms'], nonEmpty: true },
    'Cache hit rate in range': { columns: ['cache_hit_rate'] },
    'Output tokens/s in range': { columns: ['output_tokens_per_s'], nonEmpty: true },
    Throughput: { columns: ['time', 'requests_per_s', 'errors_per_s'], nonEmpty: true },
    'Time to first token p50 / p95 / p99': {
      columns: ['time', 'p50', 'p95', 'p99'],
      nonEmpty: true,
    },
    'Latency p50 / p95 / p99': { columns: ['time', 'p50', 'p95', 'p99'], nonEmpty: true },
    'Queue time': { columns: ['time', 'mean_ms', 'p95_ms'], nonEmpty: true },
    'Batch size': { columns: ['time', 'mean_batch_size'], nonEmpty: true },
    'Errors by type': { columns: ['time', 'error_type', 'errors_per_s'], nonEmpty: true },
    'Tokens per second': {
      columns: ['time', 'input_tokens_per_s', 'output_tokens_per_s'],
      nonEmpty: true,
    },
    'Cache hit rate': { columns: ['time', 'cache_hit_rate'] },
    'Throughput by version': {
      columns: ['time', 'model_version', 'requests_per_s'],
      nonEmpty: true,
    },
  },
  'insightagent-quality': {
    'Accuracy and coherence (by score time)': {
      columns: ['time', 'name', 'mean_score'],
      nonEmpty: true,
    },
    'Accuracy and coherence (by request time, late labels included)': {
      columns: ['time', 'name', 'mean_score'],
      nonEmpty: true,
    },
    'Label delay': { columns: ['time', 'p50_s', 'p95_s'], nonEmpty: true },
    'Drift statistic per feature': { columns: ['time', 'series', 'value'], nonEmpty: true },
    'Latest drift result per feature': {
      columns: [
        'feature',
        'last_method',
        'last_statistic',
        'last_threshold',
        'last_p_value',
        'last_status',
        'last_created_at',
      ],
      nonEmpty: true,
    },
    'Drift reports': {
      columns: [
        'created_at',
        'monitor',
        'model_version',
        'current_from',
        'current_to',
        'drifted',
        'features',
        'drift_share',
        'dataset_drift',
        'report_id',
      ],
      nonEmpty: true,
    },
    'Retraining triggers': {
      columns: [
        'created_at',
        'reason',
        'target',
        'target_kind',
        'model_version',
        'report_id',
        'trigger_id',
      ],
      nonEmpty: true,
    },
  },
  'insightagent-sidecar': {
    'Queue depth (mean, from queue time)': {
      columns: ['time', 'mean_queue_depth'],
      nonEmpty: true,
    },
    'Rejections by reason': { columns: ['time', 'error_type', 'rejections_per_s'], nonEmpty: true },
    'Batch fill': { columns: ['time', 'batch_fill'], nonEmpty: true },
    'Batch size distribution': { columns: ['batch_size', 'requests'], nonEmpty: true },
    'Sidecar request duration (OTLP histogram)': {
      columns: ['time', 'name', 'mean_ms'],
      nonEmpty: true,
    },
    'Served and refused': { columns: ['time', 'served_per_s', 'refused_per_s'], nonEmpty: true },
  },
};
