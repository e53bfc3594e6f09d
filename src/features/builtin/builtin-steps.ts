import { Given, Then, When } from "../dsl.js";
import { registerHttpSteps } from "./http-steps.js";

/**
 * Registers the built-in steps into the current run's registry, so a team can monitor a site
 * with no code of its own. Pass it as `supportCode` to runFeatures.
 */
export function registerBuiltinSteps(): void {
  registerHttpSteps({ Given, When, Then });
}
