/**
 * Whether a proposal's probability is borne out on this deployment's own caseload: the proposals
 * coordinators reviewed, per model version and kind of match, by probability band — the share
 * confirmed against the mean predicted. The model is calibrated on a generated population
 * (docs/matching.md); a deployment whose confirmed share sits well away from the predicted one is
 * the one that should re-estimate it (MATCHING_MODEL_FILE).
 *
 * Counted as a review of identity: `confirmed` (the same child) and `rejected` for
 * REJECTIONS_OF_IDENTITY (not the same child); other decisions (insufficient information, a
 * duplicate record, other; tentative marks) and undecided proposals say nothing about it.
 */
export const REJECTIONS_OF_IDENTITY = ['not_same_child', 'different_family'] as const;

/** One row per model version, kind and probability band (tenths), as the query groups them. */
export interface CalibrationBandRow {
  model_version: string;
  kind: string;
  band: number;
  reviewed: number | string;
  confirmed: number | string;
  mean_predicted: number | string | null;
  squared_error: number | string;
  awaiting: number | string;
}

export interface ModelCalibration {
  modelVersion: string;
  kind: string;
  reviewed: number;
  confirmed: number;
  awaitingReview: number;
  meanPredicted: number | null;
  observed: number | null;
  /** mean squared difference between the probability and the review (1 confirmed, 0 rejected) */
  brier: number | null;
  bands: Array<{ from: number; to: number; reviewed: number; meanPredicted: number | null; observed: number | null; awaitingReview: number }>;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Folds the query's rows (ordered by model version, kind, band) into one report per model version and kind. */
export function modelCalibration(rows: CalibrationBandRow[]): ModelCalibration[] {
  const out = new Map<string, ModelCalibration & { predictedSum: number; squaredSum: number }>();
  for (const r of rows) {
    const key = `${r.model_version}\u0000${r.kind}`;
    let m = out.get(key);
    if (!m) {
      m = { modelVersion: r.model_version, kind: r.kind, reviewed: 0, confirmed: 0, awaitingReview: 0, meanPredicted: null, observed: null, brier: null, bands: [], predictedSum: 0, squaredSum: 0 };
      out.set(key, m);
    }
    const reviewed = Number(r.reviewed), confirmed = Number(r.confirmed), awaiting = Number(r.awaiting);
    const predicted = r.mean_predicted === null ? null : Number(r.mean_predicted);
    m.reviewed += reviewed;
    m.confirmed += confirmed;
    m.awaitingReview += awaiting;
    m.predictedSum += (predicted ?? 0) * reviewed;
    m.squaredSum += Number(r.squared_error);
    m.bands.push({
      from: r.band / 10, to: (r.band + 1) / 10, reviewed, awaitingReview: awaiting,
      meanPredicted: reviewed > 0 && predicted !== null ? round4(predicted) : null,
      observed: reviewed > 0 ? round4(confirmed / reviewed) : null,
    });
  }
  return [...out.values()].map(({ predictedSum, squaredSum, ...m }) => ({
    ...m,
    meanPredicted: m.reviewed > 0 ? round4(predictedSum / m.reviewed) : null,
    observed: m.reviewed > 0 ? round4(m.confirmed / m.reviewed) : null,
    brier: m.reviewed > 0 ? round4(squaredSum / m.reviewed) : null,
  }));
}
