/**
 * @kinlink/matching-engine — pure TypeScript record linkage for family tracing:
 * normalisation and transliteration of names, graded comparators,
 * Fellegi–Sunter scoring with term-frequency adjustment, calibrated
 * probabilities, explanations, and a compact multi-key candidate index.
 */
export * from './types';
export { MatchingEngine, EngineOptions, defaultMatchModel, nameEvidenceModel } from './engine';
export { EngineSnapshot, SnapshotChunk, SNAPSHOT_FORMAT_VERSION, SnapshotVersionError, SnapshotCorruptError } from './snapshot';
export { loadModel, oneToOneAt, noneOddsOf, MatchModel, MatchModelJson, LevelParams, OneToOneAtSize, OneToOneNone, FIELDS, FieldSpec } from './model';
export { DEFAULT_MODEL_JSON } from './model/default-model';
export { NAME_EVIDENCE_MODEL_JSON } from './model/name-evidence-model';
export { estimateFromLabelledPairs, estimateEM, LabelledPair, EstimationResult } from './estimate';
export { normaliseText, fold, phoneticKey, somaliAlt } from './text/normalise';
export { transliterate, detectScript } from './text/transliterate';
export { tokeniseName } from './text/names';
export { jaro, jaroWinkler } from './text/jaro-winkler';
export { VariantTable, defaultVariantTable } from './text/variants';
