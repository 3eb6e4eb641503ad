/** Placeholder until the first estimation run writes the shipped model. */
import { BOOTSTRAP_MODEL } from './bootstrap-model';
import { MatchModelJson } from '../model';

export const DEFAULT_MODEL_JSON: MatchModelJson = { ...BOOTSTRAP_MODEL, modelVersion: 'kinlink-fs-0.0.0-bootstrap' };
