import type { JsHistogram } from "hdr-histogram-js";
import * as hdr from "hdr-histogram-js";
import type { EncodedHistogram, IntervalReport, Percentiles } from "./types.js";

/** Highest trackable latency: one hour in microseconds. Longer values are clamped to it. */
export const HIGHEST_MICROS = 3_600_000_000;

/**
 * Most distinct request names kept in one worker (and in the merged summary). Each name holds a
 * ~94 KB histogram, and request names come from URLs, so an id in a path would otherwise grow
 * memory without limit; request names beyond the cap are recorded under OVERFLOW_NAME. Which names
 * make the cap depends on the order a worker first sees them, so with several workers a name past
 * the cap may be partly counted under OVERFLOW_NAME.
 *
 * Journey and step names are not capped: they come from the plan (scenario names and step texts,
 * the same in every worker), so they are bounded by the features, and capping them would break
 * shares and scoped thresholds of, say, a Scenario Outline with hundreds of rows.
 */
export const MAX_NAMES = 200;
export const OVERFLOW_NAME = "(other names)";

/**
 * A latency histogram in integer microseconds, 3 significant digits, 1 µs .. 1 h. This is the
 * pure-JS implementation: WASM records ~4x faster (~20 ns vs ~80 ns a value, negligible next to an
 * HTTP request) but needs async initialisation in every worker and manual destroy(), and is no
 * faster at encoding, decoding or merging.
 */
export function newHistogram(): JsHistogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MICROS,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  }) as JsHistogram;
}

/** Buckets of the latency distribution chart. */
export const DISTRIBUTION_BUCKETS = 40;

/** Milliseconds to integer microseconds within [1, HIGHEST_MICROS] (NaN → 1). */
export function toMicros(ms: number): number {
  const us = Math.round(ms * 1000);
  if (!(us >= 1)) return 1;
  return Math.min(us, HIGHEST_MICROS);
}

interface Slot {
  readonly histogram: JsHistogram;
  errors: number;
}

/**
 * Records one worker's latencies for the current interval. Recording is a Map lookup plus one
 * histogram record: no per-sample allocation. flush() encodes what was recorded and resets the
 * histograms (kept for reuse) for the next interval. Failed samples are recorded in the latency
 * histogram too (count includes them); `errors` counts them.
 */
export class IntervalRecorder {
  private readonly requests = new Map<string, Slot>();
  private readonly steps = new Map<string, Slot>();
  private readonly journeys = new Map<string, Slot>();
  private readonly errorsByKind = new Map<string, number>();
  private readonly droppedByName = new Map<string, number>();
  private active = 0;
  private start: number;

  constructor(
    private readonly worker: number,
    start: number,
    private readonly maxNames = MAX_NAMES,
  ) {
    this.start = start;
  }

  /** One HTTP request, named "GET /path" (path without query); at most `maxNames` names, see MAX_NAMES. */
  request(name: string, ms: number, ok: boolean): void {
    const slot = this.requests.get(name) ?? this.addRequestSlot(name);
    slot.histogram.recordValue(toMicros(ms));
    if (!ok) slot.errors++;
  }

  /** One step, named by its text (not capped: step texts come from the plan). */
  step(name: string, ms: number, ok: boolean): void {
    const slot = this.steps.get(name) ?? addSlot(this.steps, name);
    slot.histogram.recordValue(toMicros(ms));
    if (!ok) slot.errors++;
  }

  /**
   * One finished journey (scenario), not capped: journey names come from the plan. A failed one
   * counts `errorKind` (default "error") in errorsByKind.
   */
  journey(name: string, ms: number, ok: boolean, errorKind?: string): void {
    const slot = this.journeys.get(name) ?? addSlot(this.journeys, name);
    slot.histogram.recordValue(toMicros(ms));
    if (!ok) {
      slot.errors++;
      const kind = errorKind ?? "error";
      this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
    }
  }

  /** Open model: a journey that could not start on time. */
  dropped(journeyName: string): void {
    this.droppedByName.set(journeyName, (this.droppedByName.get(journeyName) ?? 0) + 1);
  }

  /** Journeys in flight (open) or users running (closed); reported as of the flush. */
  setActive(n: number): void {
    this.active = n;
  }

  /** Everything recorded since the last flush (or construction), then starts a new interval at `now`. */
  flush(now: number): IntervalReport {
    const report: IntervalReport = {
      worker: this.worker,
      start: this.start,
      end: now,
      requests: encodeAll(this.requests),
      steps: encodeAll(this.steps),
      journeys: encodeAll(this.journeys),
      errorsByKind: Object.fromEntries(this.errorsByKind),
      dropped: Object.fromEntries(this.droppedByName),
      active: this.active,
    };
    this.errorsByKind.clear();
    this.droppedByName.clear();
    this.start = now;
    return report;
  }

  /** Number of histograms held (for tests: stays constant however many samples are recorded). */
  get histogramCount(): number {
    return this.requests.size + this.steps.size + this.journeys.size;
  }

  private addRequestSlot(name: string): Slot {
    const map = this.requests;
    if (map.size >= this.maxNames - 1 && name !== OVERFLOW_NAME) {
      return map.get(OVERFLOW_NAME) ?? addSlot(map, OVERFLOW_NAME);
    }
    return addSlot(map, name);
  }
}

function addSlot(map: Map<string, Slot>, name: string): Slot {
  const slot: Slot = { histogram: newHistogram(), errors: 0 };
  map.set(name, slot);
  return slot;
}

function encodeAll(map: Map<string, Slot>): Record<string, EncodedHistogram> {
  const out: Record<string, EncodedHistogram> = {};
  for (const [name, slot] of map) {
    const count = slot.histogram.totalCount;
    if (count === 0) continue;
    Object.defineProperty(out, name, {
      value: { histogram: hdr.encodeIntoCompressedBase64(slot.histogram), count, errors: slot.errors },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    slot.histogram.reset();
    slot.errors = 0;
  }
  return out;
}

/** Microseconds to milliseconds, rounded to the microsecond. */
export function toMillis(us: number): number {
  return Math.round(us) / 1000;
}

/** Latency percentiles in ms; all 0 for an empty histogram. */
export function percentiles(h: JsHistogram): Percentiles {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const at = (p: number) => toMillis(h.getValueAtPercentile(p));
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: toMillis(h.maxValue),
    mean: toMillis(h.mean),
  };
}

/**
 * [upper bound ms, count] in DISTRIBUTION_BUCKETS buckets spaced evenly on a log scale from the
 * smallest to the largest latency. Counts add up to the histogram's total.
 */
export function distribution(h: JsHistogram): [number, number][] {
  if (h.totalCount === 0) return [];
  const min = Math.max(1, h.minNonZeroValue);
  const max = Math.max(min, h.maxValue);
  if (max / min < 1.001) return [[toMillis(max), h.totalCount]];
  const span = Math.log(max / min);
  const out: [number, number][] = [];
  for (let k = 1; k <= DISTRIBUTION_BUCKETS; k++) {
    out.push([toMillis(min * Math.exp((span * k) / DISTRIBUTION_BUCKETS)), 0]);
  }
  for (let i = 0; i < h.countsArrayLength; i++) {
    const count = h.getCountAtIndex(i);
    if (count === 0) continue;
    const v = Math.max(h.valueFromIndex(i), min);
    const k = Math.min(
      DISTRIBUTION_BUCKETS - 1,
      Math.floor((Math.log(v / min) * DISTRIBUTION_BUCKETS) / span),
    );
    (out[k] as [number, number])[1] += count;
  }
  return out;
}
