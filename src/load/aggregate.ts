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
import { sum, TimeSeries } from "./time-series.js";
import type {
  EncodedHistogram,
  IntervalReport,
  LoadModel,
  LoadSummary,
  NamedStats,
  TimePoint,
} from "./types.js";

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

/**
 * Merges workers' IntervalReports into cumulative per-name histograms and a per-second series.
 * Request names are capped at MAX_NAMES here too (further names go to OVERFLOW_NAME), since each
 * worker caps its own and several workers could otherwise bring several times that many.
 * The per-second series is a TimeSeries (see there for how reports map to seconds).
 */
export class LoadAggregator {
  private readonly requests = new Map<string, Named>();
  private readonly steps = new Map<string, Named>();
  private readonly journeys = new Map<string, Named>();
  private readonly all: Named = { histogram: newHistogram(), count: 0, errors: 0 };
  private readonly errorsByKind = new Map<string, number>();
  private readonly lastActive = new Map<number, number>();
  private readonly series: TimeSeries;
  /** Epoch ms of the latest report's end; NaN before any report. */
  private lastEnd = Number.NaN;
  private journeysDone = 0;
  private journeyErrors = 0;
  private droppedTotal = 0;

  /** `startedAt`: epoch ms of the test's start. */
  constructor(readonly startedAt: number) {
    this.series = new TimeSeries(startedAt);
  }

  add(report: IntervalReport): void {
    const histograms: JsHistogram[] = [];
    for (const [name, enc] of Object.entries(report.requests)) {
      const h = this.merge(this.requests, name, enc, MAX_NAMES);
      this.all.histogram.add(h);
      this.all.count += enc.count;
      this.all.errors += enc.errors;
      histograms.push(h);
    }
    for (const [name, enc] of Object.entries(report.steps)) this.merge(this.steps, name, enc);
    for (const [name, enc] of Object.entries(report.journeys)) {
      this.merge(this.journeys, name, enc);
      this.journeysDone += enc.count;
      this.journeyErrors += enc.errors;
    }
    for (const [kind, n] of Object.entries(report.errorsByKind)) {
      this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + n);
    }
    for (const n of Object.values(report.dropped)) this.droppedTotal += n;
    this.series.add(report, histograms);
    if (!(report.end <= this.lastEnd)) this.lastEnd = report.end;
    this.lastActive.set(report.worker, report.active);
  }

  snapshot(now: number = Date.now()): LoadSnapshot {
    const { rps, p95Ms } = this.series.live();
    return {
      elapsedMs: Math.max(0, now - this.startedAt),
      requests: this.all.count,
      rps,
      p95Ms,
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
    return this.series.toPoints();
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
}
