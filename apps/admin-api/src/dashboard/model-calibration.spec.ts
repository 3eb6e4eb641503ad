import { modelCalibration } from './model-calibration';

describe('model calibration on the reviewed proposals', () => {
  it('folds the bands of each model version and kind, the share confirmed against the mean predicted', () => {
    const report = modelCalibration([
      // 4 reviewed at ≈ 0.55, 2 confirmed; 10 reviewed at ≈ 0.95, 9 confirmed; 3 awaiting review
      { model_version: 'kinlink-fs-1.4.0', kind: 'child-sought', band: 5, reviewed: '4', confirmed: '2', mean_predicted: '0.55', squared_error: '1.0', awaiting: '1' },
      { model_version: 'kinlink-fs-1.4.0', kind: 'child-sought', band: 9, reviewed: '10', confirmed: '9', mean_predicted: 0.95, squared_error: 0.9, awaiting: 2 },
      { model_version: 'kinlink-fs-1.4.0', kind: 'duplicate-child', band: 7, reviewed: 0, confirmed: 0, mean_predicted: null, squared_error: 0, awaiting: 3 },
      { model_version: 'site-a-2027.1', kind: 'child-sought', band: 8, reviewed: 2, confirmed: 2, mean_predicted: 0.81, squared_error: 0.0722, awaiting: 0 },
    ]);
    expect(report).toEqual([
      {
        modelVersion: 'kinlink-fs-1.4.0', kind: 'child-sought', reviewed: 14, confirmed: 11, awaitingReview: 3,
        meanPredicted: 0.8357, observed: 0.7857, brier: 0.1357,
        bands: [
          { from: 0.5, to: 0.6, reviewed: 4, meanPredicted: 0.55, observed: 0.5, awaitingReview: 1 },
          { from: 0.9, to: 1, reviewed: 10, meanPredicted: 0.95, observed: 0.9, awaitingReview: 2 },
        ],
      },
      {
        modelVersion: 'kinlink-fs-1.4.0', kind: 'duplicate-child', reviewed: 0, confirmed: 0, awaitingReview: 3,
        meanPredicted: null, observed: null, brier: null,
        bands: [{ from: 0.7, to: 0.8, reviewed: 0, meanPredicted: null, observed: null, awaitingReview: 3 }],
      },
      {
        modelVersion: 'site-a-2027.1', kind: 'child-sought', reviewed: 2, confirmed: 2, awaitingReview: 0,
        meanPredicted: 0.81, observed: 1, brier: 0.0361, bands: [{ from: 0.8, to: 0.9, reviewed: 2, meanPredicted: 0.81, observed: 1, awaitingReview: 0 }],
      },
    ]);
  });

  it('is empty with nothing proposed', () => {
    expect(modelCalibration([])).toEqual([]);
  });
});
