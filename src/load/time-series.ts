import type { JsHistogram } from "hdr-histogram-js";
import { newHistogram, percentiles } from "./recorder.js";
import type { IntervalReport, TimePoint } from "./types.js";

/** Seconds of the time series whose merged histogram stays open for late workers' reports. */
const OPEN_SECONDS = 5;

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
 * The per-second series of a run, built from workers' IntervalReports. A report belongs to the
 * second holding its interval's midpoint (t = 0 for the first second). The last OPEN_SECONDS
 * seconds keep a merged histogram so reports from several workers for one second combine into
 * exact percentiles; older seconds keep only their figures. A report later than that still adds
 * its counts, but no longer moves that second's percentiles.
 */
export class TimeSeries {
  private readonly lastSecond = new Map<number, number>();
  private readonly points = new Map<number, Point>();
  private readonly spare: JsHistogram[] = [];
  private latestT = -1;

  /** `startedAt`: epoch ms of the test's start. */
  constructor(readonly startedAt: number) {}

  /** Adds one report to its second; `histograms` are its requests' decoded histograms. */
  add(report: IntervalReport, histograms: readonly JsHistogram[]): void {
    const point = this.pointFor(report);
    const share = point.workers?.get(report.worker) ?? { requests: 0, ms: 0, active: 0 };
    point.workers?.set(report.worker, share);
    let requests = 0;
    for (const enc of Object.values(report.requests)) requests += enc.count;
    for (const h of histograms) point.histogram?.add(h);
    for (const enc of Object.values(report.journeys)) {
      point.journeys += enc.count;
      point.errors += enc.errors;
    }
    for (const n of Object.values(report.dropped)) point.dropped += n;
    point.requests += requests;
    share.requests += requests;
    share.ms += Math.max(0, report.end - report.start);
    share.active = report.active;
    if (point.closed) {
      point.closed.rps += rate(requests, report.end - report.start);
      point.closed.active += report.active;
    }
    this.lastSecond.set(report.worker, Math.max(point.t, this.lastSecond.get(report.worker) ?? -1));
  }

  /**
   * Requests per second and p95 (ms, NaN if none) of the latest second every worker has reported.
   * Workers silent for OPEN_SECONDS (finished or stuck) don't hold the live figures back.
   */
  live(): { rps: number; p95Ms: number } {
    const recent = [...this.lastSecond.values()].filter((t) => t > this.latestT - OPEN_SECONDS);
    const complete = Math.min(...recent);
    const point = this.points.get(complete);
    const figures = point ? this.figures(point) : undefined;
    return {
      rps: figures?.rps ?? 0,
      p95Ms: figures && point && point.requests > 0 ? figures.p95 : Number.NaN,
    };
  }

  /** The series so far, in time order (seconds without any report are absent). */
  toPoints(): TimePoint[] {
    return [...this.points.values()]
      .sort((a, b) => a.t - b.t)
      .map((p) => {
        const { rps, active, p50, p90, p99, max } = this.figures(p);
        const { t, requests, errors, journeys, dropped } = p;
        return { t, requests, errors, rps, p50, p90, p99, max, active, journeys, dropped };
      });
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

/** The sum of `values`. */
export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
