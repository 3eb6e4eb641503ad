import { MatchingEngine, MatchRecord, SnapshotVersionError, SnapshotCorruptError, loadModel, DEFAULT_MODEL_JSON, EngineSnapshot } from './index';
import { population } from '../test-fixtures/population';

/** Everything an engine answers for a set of queries (explanations included). */
function answers(e: MatchingEngine, queries: MatchRecord[]) {
  return {
    size: e.size,
    match: queries.map((q) => e.match(q, { minProbability: 0.01, limit: 15 })),
    search: queries.slice(0, 40).map((q) => e.searchByName({ name: q.name.full ?? `${q.name.given} ${q.name.family}`, dateOfBirth: q.dateOfBirth }, { limit: 10 })),
    candidates: queries.slice(0, 40).map((q) => e.candidateIds(q)),
  };
}

/** index statistics without the byte sizes (capacities differ: a restored array is cut to its length) */
const counts = (e: MatchingEngine) => Object.fromEntries(Object.entries(e.stats()).filter(([k]) => !k.endsWith('Bytes')));

/** round trip through bytes, as a service writing it to a file does (each chunk read into a buffer of its own) */
function throughBytes(s: EngineSnapshot): EngineSnapshot {
  return { ...s, chunks: s.chunks.map((c) => ({ name: c.name, data: new Uint8Array(Buffer.from(Buffer.from(c.data).toString('base64'), 'base64')) })) };
}

describe('MatchingEngine snapshot', () => {
  const records = population(3000, 7);
  const queries = population(80, 99).map((q, i) => ({ ...q, id: `q${i}` }));

  function built(): MatchingEngine {
    const e = new MatchingEngine();
    for (const r of records) e.upsert(r);
    // replaced and removed records leave tombstones in the snapshot
    for (const r of records.slice(0, 200)) e.upsert({ ...r, name: { ...r.name, given: 'Abdullahi' } });
    for (const r of records.slice(200, 400)) e.remove(r.id);
    return e;
  }

  it('a restored engine answers exactly as the engine built by upserts, and keeps doing so after further changes', () => {
    const a = built();
    const snap = a.snapshot();
    expect(snap.chunks.length).toBeGreaterThan(10);
    // adopted: the engine runs on the chunks' own memory
    const b = MatchingEngine.restore(throughBytes(snap), {}, { adopt: true });
    expect(counts(b)).toEqual(counts(a));
    const before = answers(a, queries);
    expect(before.match.some((m) => m.length > 0)).toBe(true);
    expect(answers(b, queries)).toEqual(before);

    // further upserts (new, replacing, with new tokens), removes, then compare again
    const more = population(1500, 12345).map((r, i) => ({ ...r, id: `${r.id}-new${i}`, ...(i % 7 === 0 ? { name: { given: `Zzyq${i}`, family: 'Qorqor' } } : {}) }));
    for (const e of [a, b]) {
      for (const r of more) e.upsert(r);
      for (const r of records.slice(400, 700)) e.remove(r.id);
      for (const r of records.slice(700, 900)) e.upsert({ ...r, dateOfBirth: '2011-02-03' });
    }
    const after = answers(a, [...queries, ...more.slice(0, 50)]);
    expect(answers(b, [...queries, ...more.slice(0, 50)])).toEqual(after);
    expect(counts(b)).toEqual(counts(a));
  });

  it('is a consistent copy: changing the engine afterwards does not change the snapshot', () => {
    const a = built();
    const snap = a.snapshot();
    const expected = answers(a, queries);
    for (const r of records.slice(1000, 2000)) a.remove(r.id);
    for (const r of population(500, 3)) a.upsert({ ...r, id: `x${r.id}` });
    expect(answers(MatchingEngine.restore(snap), queries)).toEqual(expected);
  });

  it('rebuilds on restore, straight from the record heap, the same cut slots the upserts filled', () => {
    const a = new MatchingEngine();
    for (const r of records) a.upsert(r);
    for (const r of records.slice(0, 300)) a.remove(r.id);
    const b = MatchingEngine.restore(throughBytes(a.snapshot()));
    // words 1, 4, 5, 6 of each 8-word slot: cut facts (with the removed bit), mother's and father's codes, origin's admin-1
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const kept = (e: MatchingEngine) => { const s = (e as any).slots as Int32Array; const n = (e as any).nSlots as number; const out: number[] = []; for (let i = 0; i < n; i++) out.push(s[i * 8 + 1], s[i * 8 + 4], s[i * 8 + 5], s[i * 8 + 6]); return out; };
    const want = kept(a);
    expect(want.length).toBe(records.length * 4);
    expect(want.filter((w, i) => i % 4 === 1 && w >= 0).length).toBeGreaterThan(records.length / 4); // mothers' names known
    expect(want.filter((w, i) => i % 4 === 3 && w >= 0).length).toBeGreaterThan(records.length / 4); // origins with a P-code
    expect(kept(b)).toEqual(want);
  });

  it('restores a snapshot written before the id hashes were kept (the chunk is optional) and answers alike', () => {
    const a = new MatchingEngine();
    for (const r of records.slice(0, 2000)) a.upsert(r);
    const snap = a.snapshot();
    const older = { ...snap, chunks: snap.chunks.filter((c) => c.name !== 'ids.hashes') };
    expect(older.chunks.length).toBe(snap.chunks.length - 1);
    const b = MatchingEngine.restore(older);
    expect(answers(b, queries)).toEqual(answers(a, queries));
    // and it keeps working as ids are added, removed and the id table grows
    for (const r of records.slice(2000)) { a.upsert(r); b.upsert(r); }
    for (const r of records.slice(0, 500)) { a.remove(r.id); b.remove(r.id); }
    expect(answers(b, queries)).toEqual(answers(a, queries));
    expect(b.has(records[400].id)).toBe(false);
    expect(b.has(records[records.length - 1].id)).toBe(true);
  });

  it('refuses a snapshot of another format or model version, or of other preparation options, with a named error', () => {
    const a = new MatchingEngine();
    for (const r of records.slice(0, 100)) a.upsert(r);
    const snap = a.snapshot();
    expect(() => MatchingEngine.restore({ ...snap, formatVersion: snap.formatVersion + 1 })).toThrow(SnapshotVersionError);
    expect(() => MatchingEngine.restore({ ...snap, modelVersion: 'kinlink-fs-0.0.1' })).toThrow(SnapshotVersionError);
    const other = loadModel({ ...DEFAULT_MODEL_JSON, modelVersion: `${DEFAULT_MODEL_JSON.modelVersion}-other` });
    expect(() => MatchingEngine.restore(snap, { model: other })).toThrow(/model version/);
    expect(() => MatchingEngine.restore(snap, { janFirstIsYearOnly: false })).toThrow(SnapshotVersionError);
    expect(() => MatchingEngine.restore({ ...snap, chunks: snap.chunks.filter((c) => c.name !== 'records.heap') })).toThrow(SnapshotCorruptError);
    // the same model under other thresholds is fine
    expect(MatchingEngine.restore(snap, { proposalThreshold: 0.9 }).threshold).toBe(0.9);
  });
});
