/** The stored value verdicts (issue 5): their records and the ValueStore part of Store. */
/** A metric's measurement as stored with a value verdict (samples capped at MAX_STORED_SAMPLES). */
export interface StoredMeasurement {
  value: number;
  exposure?: number;
  samples?: number[];
}

/** One stored value verdict: a feature's "In order to ..." line judged for one release. */
export interface ValueEvaluationRecord {
  id: number;
  environment: string;
  featureUri: string;
  featureName: string;
  statement: string;
  metric: string;
  release: string;
  evaluatedAt: number;
  since: number;
  until: number;
  verdict: string;
  verdictCase: string;
  baselineRelease: string | null;
  measurement: StoredMeasurement | null;
  /** The verdict as shown (JSON object). */
  result: Record<string, unknown>;
}

export interface ValueStore {
  recordValueEvaluation(e: Omit<ValueEvaluationRecord, "id">): Promise<number>;
  /** Newest first. */
  listValueEvaluations(
    environment: string,
    opts?: { release?: string; featureUri?: string; limit?: number },
  ): Promise<ValueEvaluationRecord[]>;
  /**
   * The baseline of `release` for `metric`: with `baselineRelease`, that release's newest measured
   * evaluation; otherwise the newest measured evaluation of another release made before `release`
   * was first evaluated (so a redeployed release keeps comparing against its own predecessor).
   */
  findValueBaseline(q: {
    environment: string;
    metric: string;
    release: string;
    baselineRelease?: string;
  }): Promise<ValueEvaluationRecord | undefined>;
}
