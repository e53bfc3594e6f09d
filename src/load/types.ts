/**
 * Contracts of the load layer. Journeys run in one or more worker threads; each worker records
 * into HDR histograms and sends an IntervalReport once a second (and a last one at the end). The
 * main thread merges reports into cumulative histograms and a per-second time series. Nothing
 * keeps per-sample arrays, so memory stays flat however long the test runs.
 */

/** How journeys are started. */
export type LoadModel =
  /** Closed: N virtual users, each running journeys back to back (with think time between them). */
  | { kind: "closed"; users: number }
  /** Open: journeys start at a constant arrival rate, whether or not earlier ones finished. */
  | { kind: "open"; ratePerSecond: number };

export interface LoadSettings {
  model: LoadModel;
  durationMs: number;
  /** Linear ramp from 0 to the full users or rate over this long, at the start. Default 0. */
  rampMs: number;
  /** Pause between journeys of one closed-model user. Default 0. */
  thinkTimeMs: number;
  /** Keep-alive connections per origin (undici Pool per origin), across all workers. */
  connections: number;
  workers: number;
  /**
   * Open model: a journey whose intended start passed more than this long ago without it having
   * started (the event loop or the in-flight cap held it back) is counted as dropped. Default 1000.
   */
  dropAfterMs: number;
  /** Open model: most journeys in flight per worker; further arrivals wait, then drop. Default 10000. */
  maxInFlight: number;
}

/** One latency class of one name, for one reporting interval. */
export interface EncodedHistogram {
  /** hdr-histogram-js compressed base64 of values in microseconds. */
  histogram: string;
  count: number;
  errors: number;
}

/**
 * What one worker recorded during one interval. Latencies are in microseconds inside the
 * histograms. Keys of the maps are names: request "GET /path" (path without query), step text,
 * journey (scenario) name.
 */
export interface IntervalReport {
  worker: number;
  /** Epoch ms of the interval's start and end. */
  start: number;
  end: number;
  requests: Record<string, EncodedHistogram>;
  steps: Record<string, EncodedHistogram>;
  journeys: Record<string, EncodedHistogram>;
  /** Failures grouped by kind (e.g. "HTTP 500", "timeout", "assertion", "ECONNREFUSED"). */
  errorsByKind: Record<string, number>;
  /** Open model: journeys that could not start on time, by journey name. */
  dropped: Record<string, number>;
  /** Journeys in flight (open) or users running (closed) at the interval's end. */
  active: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Per-name figures in the summary. Latencies in ms. */
export interface NamedStats {
  count: number;
  errors: number;
  rps: number;
  latency: Percentiles;
}

export interface ThresholdResult {
  /** As written, e.g. "p95<300ms" or "p99{journey:Checkout}<1s". */
  expression: string;
  /** The measured value in the threshold's unit (ms, %, or per second). */
  actual: number;
  unit: "ms" | "%" | "/s" | "";
  passed: boolean;
}

/** One point of the time series (one second). Latencies in ms, of requests in that second. */
export interface TimePoint {
  /** Seconds since the test started. */
  t: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  active: number;
  journeys: number;
  dropped: number;
}

/** The JSON summary (`--json FILE`); the HTML report is drawn from the same object. */
export interface LoadSummary {
  startedAt: string;
  durationMs: number;
  model: LoadModel;
  workers: number;
  connections: number;
  requests: number;
  rps: number;
  /** Journeys that failed: each stops at its first failing step, whose kind is counted in errorsByKind. */
  errors: number;
  /** errors / journeys finished, 0..1. */
  errorRate: number;
  errorsByKind: Record<string, number>;
  latency: Percentiles;
  /** Per journey: requested weight share vs achieved share of started journeys, with stats. */
  journeys: Record<string, NamedStats & { weight: number; requestedShare: number; achievedShare: number }>;
  steps: Record<string, NamedStats>;
  requestsByName: Record<string, NamedStats>;
  dropped: number;
  thresholds: ThresholdResult[];
  timeSeries: TimePoint[];
  /** Latency distribution of all requests: [upper bound ms, count] buckets for the histogram chart. */
  distribution: [number, number][];
  /** What each worker recorded (requests, finished journeys, dropped), so merged totals can be checked. */
  perWorker?: { worker: number; requests: number; journeys: number; dropped: number }[];
}
