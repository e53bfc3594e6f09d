/** Library entry ("escalator/library"): the pieces other tools embed. */
export { loadConfig, parseConfigText, type ResolvedConfig } from "./config/load-config.js";
export { Controller } from "./engine/controller.js";
export { startEngine } from "./engine/engine.js";
export { plan } from "./engine/planner.js";
export type { FailingCheck, Plan, PlannedLevel } from "./engine/types.js";
export { runFeatures } from "./features/run-features.js";
export type {
  Formatter,
  MessageSink,
  RunFeaturesOptions,
  RunSummary,
  ScenarioStatus,
} from "./features/types.js";
export { EscalatorError } from "./util/errors.js";
