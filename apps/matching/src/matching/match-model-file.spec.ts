import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL_JSON, MatchingEngine } from '@kinlink/matching-engine';
import { MatchModelFileError, readMatchModelFile } from './match-model-file';

describe('MATCHING_MODEL_FILE: a deployment’s own match model', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kinlink-model-'));
  const file = (name: string, content: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, content);
    return f;
  };
  const reestimated = { ...DEFAULT_MODEL_JSON, modelVersion: 'site-a-2027.1', proposalThreshold: 0.6 };

  it('loads a valid model with a version of its own, and the engine proposes with it', () => {
    const model = readMatchModelFile(file('site.json', JSON.stringify(reestimated)));
    expect(model.json.modelVersion).toBe('site-a-2027.1');
    expect(new MatchingEngine({ model }).modelVersion).toBe('site-a-2027.1');
  });

  it('accepts the shipped model as written, in any key order', () => {
    const reordered = Object.fromEntries(Object.entries(DEFAULT_MODEL_JSON).reverse());
    expect(readMatchModelFile(file('shipped.json', JSON.stringify(reordered))).json.modelVersion).toBe(DEFAULT_MODEL_JSON.modelVersion);
  });

  it('refuses other weights under the shipped version (proposals and snapshots are told apart by it)', () => {
    const changed = JSON.parse(JSON.stringify(DEFAULT_MODEL_JSON));
    const level = Object.values(changed.fields as Record<string, Record<string, { m: number }>>)[0];
    Object.values(level)[0].m *= 0.9;
    expect(() => readMatchModelFile(file('same-version.json', JSON.stringify(changed)))).toThrow(/keeps its version .*give it a version of its own/);
  });

  it('stops the boot with the file named when it is missing, not JSON or not a model', () => {
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'nowhere.json'), /nowhere\.json: ENOENT/],
      [file('broken.json', '{"modelVersion": '), /broken\.json: .*JSON/],
      [file('no-prior.json', JSON.stringify({ ...reestimated, prior: undefined })), /no-prior\.json: not a valid match model \(model: prior missing\)/],
    ];
    for (const [f, message] of cases) {
      expect(() => readMatchModelFile(f)).toThrow(MatchModelFileError);
      expect(() => readMatchModelFile(f)).toThrow(message);
    }
  });
});
