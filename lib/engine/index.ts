/** Public entry point of the inference engine. */
export type {
  ContinuationCallbacks,
  ContinuationOptions,
  ContinuationResult,
  ContinuationToken,
  Engine,
  EngineInfo,
  GenerateCallbacks,
  GenerationResult,
  LoadOptions,
  ModelSource,
  SamplingOptions,
  ScoreResult,
  StopReason,
} from './types';
export { loadEngine } from './engine';
export { ModelLoadError } from './model-source';
export {
  DEFAULT_SAMPLING,
  SAMPLING_LIMITS,
  SamplingOptionsError,
  fitToModel,
  modelLimits,
  parseSamplingOptions,
  samplingOptionsSchema,
  samplingOptionsSchemaFor,
} from './sampling-options';
export type { ModelLimits, SamplingAdjustment } from './sampling-options';
