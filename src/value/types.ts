/**
 * The contracts of the value layer: what a narrative line means (Assertion), what a metric source
 * returns (Measurement), and what evaluation decides (Verdict). Pure data; no I/O here.
 */

/** A comparison against a bound. */
export type Comparator = "lt" | "le" | "eq" | "ge" | "gt";

/**
 * What an "In order to ..." line claims.
 * - `count`:    an absolute bound on a count over the window ("make at most 3 silly mistakes",
 *               "make 0 silly mistakes", "have at least 500 signups").
 * - `rate`:     a bound on value / exposure ("keep checkout errors below 1%" → bound 0.01;
 *               "make at most 3 silly mistakes per 1000 sums" → bound 0.003, per = {amount: 1000, noun: "sums"}).
 * - `relative`: a change against the baseline release ("make fewer silly mistakes", "sell more widgets",
 *               "reduce page load time by 10%", "increase conversions by at least 5%").
 * - `latency`:  a bound in milliseconds on a latency ("respond within 300 ms" → metric "response time";
 *               "keep p95 page load time below 300 ms" → percentile 95).
 */
export type Assertion =
  | { kind: "count"; metric: string; op: Comparator; bound: number }
  | {
      kind: "rate";
      metric: string;
      op: Comparator;
      /** As a fraction: 1% → 0.01; "3 per 1000" → 0.003. */
      bound: number;
      /** Set for the "N per M nouns" form, for wording the verdict. */
      per?: { amount: number; noun: string };
    }
  | {
      kind: "relative";
      metric: string;
      direction: "decrease" | "increase";
      /** Stated effect size as a fraction: "by 10%" → 0.1. Absent: any significant change delivers. */
      effect?: number;
    }
  | {
      kind: "latency";
      metric: string;
      op: Comparator;
      boundMs: number;
      /** "p95" → 95. Absent: the source's value is compared (or p95 of its samples). */
      percentile?: number;
    };

/** The outcome of parsing one narrative line. Never throws. */
export type ParsedStatement =
  | { ok: true; statement: string; assertion: Assertion }
  | {
      ok: false;
      statement: string;
      /** Why the line is not executable, one sentence. */
      reason: string;
      /** Executable rewrites to offer, e.g. ["make 0 silly mistakes", "make fewer silly mistakes"]. */
      suggestions: string[];
    };

/** What a metric source returns for one release over one window. */
export interface Measurement {
  /** The count or value (for latency without samples: the latency in ms). */
  value: number;
  /** Exposure the value is counted against (sums, checkouts, requests). */
  exposure?: number;
  /** Individual observations, for distributions (latencies in ms, order values). */
  samples?: number[];
}

/** What a source is asked for. */
export interface MeasureContext {
  release: string;
  since: Date;
  until: Date;
  /** until - since, in ms. */
  windowMs: number;
  signal: AbortSignal;
}

/** A metric source kind. Errors are thrown as EscalatorError with a message naming the source. */
export interface MetricSource {
  kind: "prometheus" | "sql" | "http" | "command" | "function";
  measure(ctx: MeasureContext): Promise<Measurement>;
}

export type VerdictName = "delivered" | "not delivered" | "inconclusive" | "not executable";

/** Why a verdict came out as it did, machine-readable. */
export type VerdictCase =
  | "bound holds"
  | "bound broken"
  | "significant change as claimed"
  | "significant change against claim"
  | "effect size ruled out"
  | "no significant change"
  | "effect size not shown"
  | "too little exposure"
  | "too few samples"
  | "no baseline"
  | "not understood"
  | "no metric definition"
  | "source failed";

export interface EvaluationOptions {
  /** Significance level, default 0.05. */
  alpha: number;
  /** Below this exposure (or, without exposure, count for rates) the verdict is inconclusive. Default 1. */
  minExposure: number;
  /** Below this many samples on either side a distribution test is inconclusive. Default 10. */
  minSamples: number;
  /** The window length in ms, used as exposure for counts that have none. */
  windowMs: number;
}

export interface Verdict {
  verdict: Exclude<VerdictName, "not executable">;
  case: VerdictCase;
  measured: Measurement & { samplesCount?: number };
  /** For bounds: the bound, in the assertion's unit. */
  threshold?: number;
  baseline?: Measurement & { release?: string };
  /** e.g. "exact conditional binomial (Poisson rate ratio)", "Mann-Whitney U", "exact binomial", "direct comparison". */
  test: string;
  pValue?: number;
  /** A confidence interval for the estimate the test is about (rate, rate ratio, relative shift). */
  confidence?: { level: number; low: number; high: number; of: string };
  /** The point estimate of the relative change against the baseline, as a fraction (-0.2 = 20% fewer). */
  change?: number;
  /** One line a product owner can read. */
  explanation: string;
}
