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
  /** count per second of the measured span (LoadSummary.measuredMs). */
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
  /**
   * Requests completed in this second, per second: each worker's count over the time its reports
   * cover in this second, taken as at least 1 s. So a short last interval (the final report, a few
   * ms after the one before) is not extrapolated into a spike: a partial last second reads low,
   * never high. A worker's first interval, longer than 1 s when it started late, divides by its length.
   */
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
  /** The configured duration. */
  durationMs: number;
  /**
   * The span the figures cover: from the start to the end of the last report. Workers send their
   * last report once the journeys in flight at the end finished (or the end grace ran out), so this
   * is the duration plus that tail. Every rate (`rps`, per-name `rps`, rps thresholds) is per second
   * of this span, since requests completed in the tail are counted too. Absent in older summaries.
   */
  measuredMs?: number;
  model: LoadModel;
  workers: number;
  connections: number;
  requests: number;
  /** requests / measuredMs, per second. */
  rps: number;
  /** Journeys that failed: each stops at its first failing step, whose kind is counted in errorsByKind. */
  errors: number;
  /** errors / journeys finished, 0..1. */
  errorRate: number;
  errorsByKind: Record<string, number>;
  /**
   * Latency of all requests, each from sending it to its last byte. In the open model the first
   * request of each journey is measured from that much earlier as its journey started late
   * (actual − intended start), so time spent waiting to start (a busy event loop, the in-flight
   * cap) counts here as it does in the journeys' figures: no coordinated omission.
   */
  latency: Percentiles;
  /**
   * Per journey: requested weight share vs achieved share, with stats. The achieved share is of
   * finished journeys (passed or failed, aborted ones included); dropped journeys never started and
   * are not counted, nor are journeys still in flight when the figures were taken.
   */
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
