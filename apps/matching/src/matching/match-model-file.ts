import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '@kinlink/audit-log';
import { repoRoot } from '@kinlink/config';
import { DEFAULT_MODEL_JSON, loadModel, MatchModel } from '@kinlink/matching-engine';

/** MATCHING_MODEL_FILE could not be used: the service does not start (it would match with another model). */
export class MatchModelFileError extends Error {}

/**
 * A deployment's own match model (re-estimated on its confirmed and rejected pairs: docs/matching.md,
 * "Model"), read and validated at boot. Relative paths are to the repository root. Proposals and
 * index snapshots are told apart by the model version, so a file whose weights differ from the
 * shipped model's must carry a version of its own.
 */
export function readMatchModelFile(file: string): MatchModel {
  const full = path.resolve(repoRoot(), file);
  const fail = (why: string) => new MatchModelFileError(`MATCHING_MODEL_FILE ${full}: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(full, 'utf8'));
  } catch (e) {
    throw fail((e as Error).message);
  }
  let model: MatchModel;
  try {
    model = loadModel(json);
  } catch (e) {
    throw fail(`not a valid match model (${(e as Error).message})`);
  }
  if (model.json.modelVersion === DEFAULT_MODEL_JSON.modelVersion && canonicalJson(json) !== canonicalJson(DEFAULT_MODEL_JSON)) {
    throw fail(`differs from the shipped model but keeps its version ${DEFAULT_MODEL_JSON.modelVersion}: give it a version of its own`);
  }
  return model;
}

