/**
 * The API's view of the engine. The contract lives in the engine (which implements it) so that
 * imports flow one way, server → engine; it is re-exported here for the routes.
 */
export type {
  ControlOutcome,
  EngineControl,
  EngineEvent,
  EscalationFilter,
  LadderLevelView,
  StatusView,
  TransitionFilter,
  TransitionView,
  VerdictView,
} from "../engine/control-types.js";
