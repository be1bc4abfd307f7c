/** Public entry point of the inference engine. */
export type {
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
  parseSamplingOptions,
  samplingOptionsSchema,
  samplingOptionsSchemaFor,
} from './sampling-options';
