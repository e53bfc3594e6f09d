/** What every World is given: the run's parameters, the target URL among them. */
export interface WorldParameters {
  target?: string;
  [key: string]: unknown;
}

export interface WorldOptions {
  parameters: WorldParameters;
}

export type WorldConstructor = new (options: WorldOptions) => object;

/**
 * The `this` of step functions and hooks. A fresh one is made for every scenario, so state never
 * leaks between scenarios. Extend it and pass the subclass to `setWorldConstructor`.
 */
export class World {
  readonly parameters: WorldParameters;
  // biome-ignore lint/suspicious/noExplicitAny: step files keep their own state on the World, as in cucumber-js
  [key: string]: any;

  constructor(options: WorldOptions) {
    this.parameters = options.parameters;
  }
}
