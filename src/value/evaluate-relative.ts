/**
 * Verdicts on a change against the baseline release ("make fewer silly mistakes", "reduce page load time
 * by 10%"). Counts: the exact conditional binomial test of the Poisson rate ratio. Samples on both sides:
 * Mann-Whitney U with the Hodges-Lehmann effect. Both directions are tested one-sided at α against the
 * threshold ratio r0 (1, or 1 ∓ the stated effect).
 */
import {
  baselineOf,
  changeRangeWords,
  changeWords,
  ciLabel,
  countOf,
  decide,
  formatDuration,
  formatNumber,
  formatP,
  formatPercent,
  interval,
  measuredOf,
  type Outcome,
  PREFIX,
} from "./evaluate-format.js";
import { hodgesLehmann, mannWhitneyU, median, type OneSided, poissonRateComparison } from "./statistics.js";
import type { Assertion, EvaluationOptions, Measurement, Verdict } from "./types.js";

type RelativeAssertion = Extract<Assertion, { kind: "relative" }>;
type Baseline = Measurement & { release?: string };

interface Context {
  assertion: RelativeAssertion;
  options: EvaluationOptions;
  /** The rate or scale ratio new/baseline under H0. */
  r0: number;
  /** An effect size was stated ("by 10%"). */
  stated: boolean;
  claimed: OneSided;
  release: string;
  common: Pick<Verdict, "measured" | "baseline">;
}

const CASES: Record<
  Outcome,
  { verdict: Verdict["verdict"]; plain: Verdict["case"]; stated: Verdict["case"] }
> = {
  claimed: {
    verdict: "delivered",
    plain: "significant change as claimed",
    stated: "significant change as claimed",
  },
  against: {
    verdict: "not delivered",
    plain: "significant change against claim",
    stated: "effect size ruled out",
  },
  neither: { verdict: "inconclusive", plain: "no significant change", stated: "effect size not shown" },
};

function claimWords(ctx: Context): string {
  const { direction, effect } = ctx.assertion;
  return ctx.stated
    ? `the claimed ${formatPercent(effect ?? 0)} ${direction === "decrease" ? "reduction" : "increase"}`
    : `the claimed ${direction}`;
}

/** ", beyond the claimed 10% reduction, p = 0.003 (test)." and the like. */
function verdictTail(ctx: Context, outcome: Outcome, pValue: number, testWords: string): string {
  const claim = claimWords(ctx);
  const p = formatP(pValue);
  if (outcome === "claimed") return `${ctx.stated ? `, beyond ${claim}` : ""}, ${p} (${testWords}).`;
  if (outcome === "against") {
    return `, ${ctx.stated ? "which rules out" : "against"} ${claim}, ${p} (${testWords}).`;
  }
  return ctx.stated
    ? `, which neither shows nor rules out ${claim} (${p}, ${testWords}).`
    : `, not a significant change (${p}, ${testWords}).`;
}

function inconclusive(ctx: Context, kase: Verdict["case"], explanation: string): Verdict {
  return { ...ctx.common, verdict: "inconclusive", case: kase, test: "none", explanation };
}

/**
 * Judges a relative claim. No baseline → inconclusive. Samples on either side → the distribution test
 * (both sides need minSamples); otherwise the counts with their exposures (or the window length in seconds
 * when neither side has one).
 */
export function evaluateRelative(
  assertion: RelativeAssertion,
  current: Measurement,
  baseline: Baseline | undefined,
  options: EvaluationOptions,
): Verdict {
  const measured = measuredOf(current);
  if (baseline === undefined) {
    return {
      verdict: "inconclusive",
      case: "no baseline",
      measured,
      test: "none",
      explanation: `Inconclusive: there is no baseline release to compare ${assertion.metric} against.`,
    };
  }
  const effect = assertion.effect;
  const stated = effect !== undefined && Number.isFinite(effect) && effect > 0;
  const decrease = assertion.direction === "decrease";
  const ctx: Context = {
    assertion,
    options,
    r0: !stated ? 1 : decrease ? Math.max(0, 1 - effect) : 1 + effect,
    stated,
    claimed: decrease ? "less" : "greater",
    release: baseline.release ?? "the baseline",
    common: { measured, baseline: baselineOf(baseline) },
  };
  if (current.samples !== undefined || baseline.samples !== undefined) {
    return compareDistributions(ctx, current.samples, baseline.samples);
  }
  return compareCounts(ctx, current, baseline);
}

function decided(ctx: Context, pLess: number, pGreater: number) {
  const claimedLess = ctx.claimed === "less";
  const { outcome, pValue } = decide(
    claimedLess ? pLess : pGreater,
    claimedLess ? pGreater : pLess,
    ctx.options.alpha,
  );
  const entry = CASES[outcome];
  return { outcome, pValue, verdict: entry.verdict, case: ctx.stated ? entry.stated : entry.plain };
}

/** Counts as Poisson rates: the exact conditional binomial test of λnew/λbase against r0, both ways. */
function compareCounts(ctx: Context, current: Measurement, baseline: Baseline): Verdict {
  const { metric } = ctx.assertion;
  const { options, release } = ctx;
  const fromWindow = current.exposure === undefined && baseline.exposure === undefined;
  if (!fromWindow && (current.exposure === undefined || baseline.exposure === undefined)) {
    const [has, lacks] =
      current.exposure === undefined ? [release, "the new release"] : ["the new release", release];
    return inconclusive(
      ctx,
      "too little exposure",
      `Inconclusive: ${has} reports an exposure for ${metric} but ${lacks} does not, ` +
        "so the two counts cannot be compared.",
    );
  }
  const window = options.windowMs / 1000;
  const tNew = current.exposure ?? window;
  const tBase = baseline.exposure ?? window;
  const minimum = Math.max(options.minExposure, Number.MIN_VALUE);
  if (tNew < minimum || tBase < minimum) {
    return inconclusive(
      ctx,
      "too little exposure",
      fromWindow
        ? window > 0
          ? `Inconclusive: the ${formatDuration(window)} window is too short to compare ${metric}; ` +
            `at least ${formatDuration(options.minExposure)} is needed.`
          : `Inconclusive: neither release reports an exposure for ${metric} and no window length was given, ` +
            "so the two counts cannot be compared."
        : `Inconclusive: ${metric} were counted over an exposure of only ${formatNumber(tNew)} for the new ` +
            `release and ${formatNumber(tBase)} for ${release}; at least ${formatNumber(options.minExposure)} ` +
            "is needed on each side to judge.",
    );
  }
  const test = (alternative: OneSided) =>
    poissonRateComparison(current.value, tNew, baseline.value, tBase, {
      ratio: ctx.r0,
      alternative,
      alpha: options.alpha,
    });
  const less = test("less");
  const greater = test("greater");
  const decision = decided(ctx, less.pValue, greater.pValue);
  const change = Number.isFinite(less.estimate) ? less.estimate - 1 : undefined;
  const [low, high] = [greater.ci[0], less.ci[1]];
  const confidence = interval(options, low, high, "rate ratio (new / baseline)");

  const rateWords = (x: number, t: number): string =>
    x / t <= 1 ? formatPercent(x / t) : `${formatNumber(x / t)} per unit of exposure`;
  const observed = fromWindow
    ? `${countOf(current.value, metric)} against ${formatNumber(baseline.value)} for ${release} ` +
      `in the same ${formatDuration(window)} window`
    : `${countOf(current.value, metric)} in ${formatNumber(tNew)} (${rateWords(current.value, tNew)}) ` +
      `against ${formatNumber(baseline.value)} in ${formatNumber(tBase)} ` +
      `(${rateWords(baseline.value, tBase)}) for ${release}`;
  const changeText =
    change !== undefined
      ? changeWords(change, true)
      : current.value > 0
        ? "up from none"
        : "none on either side";
  const ciText =
    ctx.stated && confidence ? ` (${ciLabel(options)}: ${changeRangeWords(low - 1, high - 1, true)})` : "";
  return {
    ...ctx.common,
    verdict: decision.verdict,
    case: decision.case,
    test: "exact conditional binomial (Poisson rate ratio)",
    pValue: decision.pValue,
    ...(confidence && { confidence }),
    ...(change !== undefined && { change }),
    explanation:
      `${PREFIX[decision.verdict]}: ${observed} — ${changeText}${ciText}` +
      verdictTail(ctx, decision.outcome, decision.pValue, "exact Poisson rate test"),
  };
}

/**
 * Samples on both sides: Mann-Whitney U of new against r0·baseline, both ways. When every sample is positive
 * the model is multiplicative: the effect is the Hodges-Lehmann ratio (median of the pairwise ratios new/base)
 * with its Moses interval, which inverts the same test. Otherwise additive: the baseline is shifted by
 * (r0 - 1)·median(baseline) and the effect is the Hodges-Lehmann shift relative to the baseline median.
 */
function compareDistributions(
  ctx: Context,
  now: number[] | undefined,
  before: number[] | undefined,
): Verdict {
  const { metric } = ctx.assertion;
  const { options, release } = ctx;
  if (now === undefined || before === undefined) {
    const [has, lacks] = now === undefined ? [release, "the new release"] : ["the new release", release];
    return inconclusive(
      ctx,
      "too few samples",
      `Inconclusive: ${has} reports samples of ${metric} but ${lacks} does not, so the two cannot be compared.`,
    );
  }
  const minimum = Math.max(options.minSamples, 1);
  if (now.length < minimum || before.length < minimum) {
    return inconclusive(
      ctx,
      "too few samples",
      `Inconclusive: only ${formatNumber(now.length)} ${metric} samples for the new release and ` +
        `${formatNumber(before.length)} for ${release}; at least ${formatNumber(minimum)} are needed on each side.`,
    );
  }
  const medianNew = median(now);
  const medianBase = median(before);
  const multiplicative = now.every((x) => x > 0) && before.every((x) => x > 0);
  const transform = multiplicative ? { scale: ctx.r0 } : { shift: (ctx.r0 - 1) * Math.abs(medianBase) };
  const less = mannWhitneyU(now, before, { alternative: "less", ...transform });
  const greater = mannWhitneyU(now, before, { alternative: "greater", ...transform });
  const decision = decided(ctx, less.pValue, greater.pValue);

  let change: number | undefined;
  let changeRange: [number, number] | undefined;
  let confidence: Verdict["confidence"] | undefined;
  if (multiplicative) {
    const hl = hodgesLehmann(now.map(Math.log), before.map(Math.log), options.alpha);
    const [low, high] = [Math.exp(hl.ci[0]), Math.exp(hl.ci[1])];
    change = Math.exp(hl.estimate) - 1;
    confidence = interval(options, low, high, "ratio of new to baseline values (Hodges-Lehmann)");
    changeRange = [low - 1, high - 1];
  } else {
    const hl = hodgesLehmann(now, before, options.alpha);
    confidence = interval(
      options,
      hl.ci[0],
      hl.ci[1],
      "shift of new against baseline values (Hodges-Lehmann)",
    );
    if (medianBase !== 0) {
      const scale = Math.abs(medianBase);
      change = hl.estimate / scale;
      changeRange = [hl.ci[0] / scale, hl.ci[1] / scale];
    }
  }
  const changeText =
    change === undefined
      ? `${metric} has a median of ${formatNumber(medianNew)} against ${formatNumber(medianBase)} for ${release}`
      : change === 0
        ? `${metric} is unchanged from ${release}`
        : `${metric} is ${changeWords(change, false)} than for ${release}`;
  const ciText =
    ctx.stated && confidence && changeRange
      ? `; ${ciLabel(options)}: ${changeRangeWords(changeRange[0], changeRange[1], false)}`
      : "";
  const details =
    ` (median ${formatNumber(medianNew)} against ${formatNumber(medianBase)}, ` +
    `${formatNumber(now.length)} and ${formatNumber(before.length)} samples${ciText})`;
  return {
    ...ctx.common,
    verdict: decision.verdict,
    case: decision.case,
    test: "Mann-Whitney U",
    pValue: decision.pValue,
    ...(confidence && { confidence }),
    ...(change !== undefined && { change }),
    explanation:
      `${PREFIX[decision.verdict]}: ${changeText}${details}` +
      verdictTail(ctx, decision.outcome, decision.pValue, "Mann-Whitney U test"),
  };
}
