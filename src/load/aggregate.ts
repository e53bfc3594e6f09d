import type { JsHistogram } from "hdr-histogram-js";
import * as hdr from "hdr-histogram-js";
import { distribution, MAX_NAMES, newHistogram, OVERFLOW_NAME, percentiles, toMillis } from "./recorder.js";
import {
  evaluateThresholds,
  type LatencyStat,
  type ScopeStats,
  type Threshold,
  type ThresholdScope,
} from "./thresholds.js";
import type {
  EncodedHistogram,
  IntervalReport,
  LoadModel,
  LoadSummary,
  NamedStats,
  TimePoint,
} from "./types.js";

/** Seconds of the time series whose merged histogram stays open for late workers' reports. */
const OPEN_SECONDS = 5;

/** The live line's figures. */
export interface LoadSnapshot {
  elapsedMs: number;
  /** Cumulative requests. */
  requests: number;
  /** Requests per second and p95 (ms, NaN if none) of the latest second every worker has reported. */
  rps: number;
  p95Ms: number;
  /** Cumulative failed journeys, and their share of finished journeys (0..1). */
  errors: number;
  errorRate: number;
  journeys: number;
  dropped: number;
  /** Sum of each worker's latest `active`. */
  active: number;
}

export interface SummaryOptions {
  /** As configured; reported as `durationMs`. Rates divide by the measured span instead (see `measuredMs`). */
  durationMs: number;
  model: LoadModel;
  workers: number;
  connections: number;
  /** Journey weights as configured; journeys with a weight that never ran appear with count 0. */
  weights: Record<string, number>;
  thresholds: readonly Threshold[];
}

interface Named {
  histogram: JsHistogram;
  count: number;
  errors: number;
}

type Figures = Pick<TimePoint, "rps" | "active" | "p50" | "p90" | "p99" | "max"> & { p95: number };

/** One second of the series. `histogram` and `workers` exist while the second is open. */
interface Point {
  t: number;
  requests: number;
  errors: number;
  journeys: number;
  dropped: number;
  histogram: JsHistogram | undefined;
  /** Per worker: requests, interval ms, latest active. */
  workers: Map<number, { requests: number; ms: number; active: number }> | undefined;
  /** Set when the second closes. */
  closed: Figures | undefined;
}

/**
 * Merges workers' IntervalReports into cumulative per-name histograms and a per-second series.
 * Request names are capped at MAX_NAMES here too (further names go to OVERFLOW_NAME), since each
 * worker caps its own and several workers could otherwise bring several times that many.
 * A report belongs to the second holding its interval's midpoint (t = 0 for the first second).
 * The last OPEN_SECONDS seconds keep a merged histogram so reports from several workers for one
 * second combine into exact percentiles; older seconds keep only their figures. A report later
 * than that still adds its counts, but no longer moves that second's percentiles.
 */
export class LoadAggregator {
  private readonly requests = new Map<string, Named>();
  private readonly steps = new Map<string, Named>();
  private readonly journeys = new Map<string, Named>();
  private readonly all: Named = { histogram: newHistogram(), count: 0, errors: 0 };
  private readonly errorsByKind = new Map<string, number>();
  private readonly lastActive = new Map<number, number>();
  private readonly lastSecond = new Map<number, number>();
  private readonly points = new Map<number, Point>();
  private readonly spare: JsHistogram[] = [];
  /** Epoch ms of the latest report's end; NaN before any report. */
  private lastEnd = Number.NaN;
  private journeysDone = 0;
  private journeyErrors = 0;
  private droppedTotal = 0;
  private latestT = -1;

  /** `startedAt`: epoch ms of the test's start. */
  constructor(readonly startedAt: number) {}

  add(report: IntervalReport): void {
    const point = this.pointFor(report);
    const share = point.workers?.get(report.worker) ?? { requests: 0, ms: 0, active: 0 };
    point.workers?.set(report.worker, share);
    let requests = 0;
    for (const [name, enc] of Object.entries(report.requests)) {
      const h = this.merge(this.requests, name, enc, MAX_NAMES);
      this.all.histogram.add(h);
      this.all.count += enc.count;
      this.all.errors += enc.errors;
      point.histogram?.add(h);
      requests += enc.count;
    }
    for (const [name, enc] of Object.entries(report.steps)) this.merge(this.steps, name, enc);
    for (const [name, enc] of Object.entries(report.journeys)) {
      this.merge(this.journeys, name, enc);
      this.journeysDone += enc.count;
      this.journeyErrors += enc.errors;
      point.journeys += enc.count;
      point.errors += enc.errors;
    }
    for (const [kind, n] of Object.entries(report.errorsByKind)) {
      this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + n);
    }
    for (const n of Object.values(report.dropped)) {
      this.droppedTotal += n;
      point.dropped += n;
    }
    point.requests += requests;
    share.requests += requests;
    share.ms += Math.max(0, report.end - report.start);
    share.active = report.active;
    if (point.closed) {
      point.closed.rps += rate(requests, report.end - report.start);
      point.closed.active += report.active;
    }
    if (!(report.end <= this.lastEnd)) this.lastEnd = report.end;
    this.lastActive.set(report.worker, report.active);
    this.lastSecond.set(report.worker, Math.max(point.t, this.lastSecond.get(report.worker) ?? -1));
  }

  snapshot(now: number = Date.now()): LoadSnapshot {
    // Workers silent for OPEN_SECONDS (finished or stuck) don't hold the live figures back.
    const recent = [...this.lastSecond.values()].filter((t) => t > this.latestT - OPEN_SECONDS);
    const complete = Math.min(...recent);
    const point = this.points.get(complete);
    const figures = point ? this.figures(point) : undefined;
    return {
      elapsedMs: Math.max(0, now - this.startedAt),
      requests: this.all.count,
      rps: figures?.rps ?? 0,
      p95Ms: figures && point && point.requests > 0 ? figures.p95 : Number.NaN,
      errors: this.journeyErrors,
      errorRate: this.errorRate,
      journeys: this.journeysDone,
      dropped: this.droppedTotal,
      active: sum(this.lastActive.values()),
    };
  }

  /**
   * The span the figures cover, in ms: from the test's start to the latest report's end. Workers
   * send their last report once the journeys in flight at the end have finished (or the end grace
   * ran out), so this is the duration plus that tail; its requests are counted, so rates divide by
   * this rather than by the configured duration. 0 before any report.
   */
  get measuredMs(): number {
    return Number.isNaN(this.lastEnd) ? 0 : Math.max(0, this.lastEnd - this.startedAt);
  }

  /** Latency percentile `p` (0 < p ≤ 100) in ms of all requests or of one scope; NaN if none. */
  percentileOf(scope: ThresholdScope | undefined, p: number): number {
    return this.scopeStats(scope)?.latencyMs(p) ?? Number.NaN;
  }

  /**
   * Figures for thresholds; see ScopeStats. Rates are per second of `measuredMs`. Undefined for a
   * scope name that never ran, unless `knownJourneys` holds it (a journey of the plan that never
   * finished): then count 0, so its latency is NaN ("no data") rather than "no such journey".
   */
  scopeStats(
    scope: ThresholdScope | undefined,
    knownJourneys: Readonly<Record<string, unknown>> = {},
  ): ScopeStats | undefined {
    const seconds = Math.max(this.measuredMs, 1) / 1000;
    const named = scope ? this.named(scope, knownJourneys) : this.all;
    if (!named) return undefined;
    const latencyMs = (stat: LatencyStat): number => {
      if (named.count === 0) return Number.NaN;
      if (stat === "max") return toMillis(named.histogram.maxValue);
      if (stat === "mean") return toMillis(named.histogram.mean);
      return toMillis(named.histogram.getValueAtPercentile(stat));
    };
    if (scope) {
      const errorRate = named.count > 0 ? named.errors / named.count : 0;
      return { errorCount: named.errors, errorRate, rps: named.count / seconds, latencyMs };
    }
    return {
      errorCount: this.journeyErrors,
      errorRate: this.errorRate,
      rps: this.all.count / seconds,
      latencyMs,
    };
  }

  /** Failed journeys among finished journeys, 0..1. */
  private get errorRate(): number {
    return this.journeysDone > 0 ? this.journeyErrors / this.journeysDone : 0;
  }

  /**
   * The run's summary. `journeys[name].achievedShare` is that journey's share of finished journeys
   * (passed or failed); dropped journeys never ran and are not counted. Rates (`rps`) are per
   * second of `measuredMs`, the span from the start to the last report's end.
   */
  summary(opts: SummaryOptions): LoadSummary {
    const measuredMs = this.measuredMs;
    const seconds = Math.max(measuredMs, 1) / 1000;
    const stats = (n: Named): NamedStats => ({
      count: n.count,
      errors: n.errors,
      rps: n.count / seconds,
      latency: percentiles(n.histogram),
    });
    const weightSum = sum(Object.values(opts.weights));
    const names = [...new Set([...Object.keys(opts.weights), ...this.journeys.keys()])];
    const empty: Named = { histogram: newHistogram(), count: 0, errors: 0 };
    const journeyStats = (name: string) => {
      const named = this.journeys.get(name) ?? empty;
      const weight = opts.weights[name] ?? 0;
      const requestedShare = weightSum > 0 ? weight / weightSum : 0;
      const achievedShare = this.journeysDone > 0 ? named.count / this.journeysDone : 0;
      return { ...stats(named), weight, requestedShare, achievedShare };
    };
    const byName = (map: Map<string, Named>) =>
      Object.fromEntries([...map].map(([name, n]) => [name, stats(n)] as const));
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      durationMs: opts.durationMs,
      measuredMs,
      model: opts.model,
      workers: opts.workers,
      connections: opts.connections,
      requests: this.all.count,
      rps: this.all.count / seconds,
      errors: this.journeyErrors,
      errorRate: this.errorRate,
      errorsByKind: Object.fromEntries(this.errorsByKind),
      latency: percentiles(this.all.histogram),
      journeys: Object.fromEntries(names.map((name) => [name, journeyStats(name)] as const)),
      steps: byName(this.steps),
      requestsByName: byName(this.requests),
      dropped: this.droppedTotal,
      thresholds: evaluateThresholds(opts.thresholds, (scope) => this.scopeStats(scope, opts.weights)),
      timeSeries: this.timeSeries(),
      distribution: distribution(this.all.histogram),
    };
  }

  /** The per-second series so far, in time order (seconds without any report are absent). */
  timeSeries(): TimePoint[] {
    return [...this.points.values()]
      .sort((a, b) => a.t - b.t)
      .map((p) => {
        const { rps, active, p50, p90, p99, max } = this.figures(p);
        const { t, requests, errors, journeys, dropped } = p;
        return { t, requests, errors, rps, p50, p90, p99, max, active, journeys, dropped };
      });
  }

  /** Adds one encoded histogram under `name`, or under OVERFLOW_NAME once `cap` names are held. */
  private merge(
    map: Map<string, Named>,
    name: string,
    enc: EncodedHistogram,
    cap = Number.POSITIVE_INFINITY,
  ): JsHistogram {
    const h = hdr.decodeFromCompressedBase64(enc.histogram) as JsHistogram;
    let named = map.get(name);
    if (!named && map.size >= cap - 1 && name !== OVERFLOW_NAME) {
      name = OVERFLOW_NAME;
      named = map.get(name);
    }
    if (!named) {
      named = { histogram: newHistogram(), count: 0, errors: 0 };
      map.set(name, named);
    }
    named.histogram.add(h);
    named.count += enc.count;
    named.errors += enc.errors;
    return h;
  }

  /** A scope's figures; an empty entry for a known journey that never finished. */
  private named(scope: ThresholdScope, knownJourneys: Readonly<Record<string, unknown>>): Named | undefined {
    const named = this.mapOf(scope).get(scope.name);
    if (named || scope.kind !== "journey" || !Object.hasOwn(knownJourneys, scope.name)) return named;
    // Count 0: the histogram is never read (latencies are NaN), so no new one is built for it.
    return { histogram: this.all.histogram, count: 0, errors: 0 };
  }

  private mapOf(scope: ThresholdScope): Map<string, Named> {
    return scope.kind === "journey" ? this.journeys : scope.kind === "step" ? this.steps : this.requests;
  }

  private pointFor(report: IntervalReport): Point {
    const t = Math.max(0, Math.floor(((report.start + report.end) / 2 - this.startedAt) / 1000));
    let point = this.points.get(t);
    if (point) return point;
    const open = t > this.latestT - OPEN_SECONDS;
    const zero: Figures = { rps: 0, active: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    point = {
      t,
      requests: 0,
      errors: 0,
      journeys: 0,
      dropped: 0,
      histogram: undefined,
      workers: undefined,
      closed: zero,
    };
    if (open) {
      point.histogram = this.spare.pop() ?? newHistogram();
      point.workers = new Map();
      point.closed = undefined;
    }
    this.points.set(t, point);
    if (t > this.latestT) {
      this.latestT = t;
      for (const p of this.points.values()) if (p.histogram && p.t <= t - OPEN_SECONDS) this.close(p);
    }
    return point;
  }

  private close(point: Point): void {
    point.closed = this.figures(point);
    if (point.histogram) {
      point.histogram.reset();
      this.spare.push(point.histogram);
    }
    point.histogram = undefined;
    point.workers = undefined;
  }

  private figures(point: Point): Figures {
    if (point.closed) return point.closed;
    const shares = [...(point.workers?.values() ?? [])];
    const { p50, p90, p95, p99, max } = percentiles(point.histogram as JsHistogram);
    const rps = sum(shares.map((s) => rate(s.requests, s.ms)));
    return { rps, active: sum(shares.map((s) => s.active)), p50, p90, p95, p99, max };
  }
}

/**
 * Requests per second of one worker's share of a point: its requests in that second over the time
 * its reports there cover, counted as at least 1 s. A short interval (the last one, flushed a few
 * ms after the previous report) is not extrapolated: its point shows the requests completed in that
 * second per second, so a partial last second may read low but never spikes. A longer interval (a
 * worker's first, when it started late) divides by its length.
 */
function rate(requests: number, ms: number): number {
  return (requests * 1000) / Math.max(ms, 1000);
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
