// GenAI mapping: decoded OTLP requests → rows for inference_requests, evaluations,
// pending_evaluations and metric_points, with per-item validation.
export { KEY } from './keys';
export { mapExport } from './map-export';
export {
  DEFAULT_REQUEST_SPAN_KEYS,
  DEFAULT_SCORE_RANGES,
  type MappedExport,
  type MappingOptions,
  type ScoreRange,
} from './options';
