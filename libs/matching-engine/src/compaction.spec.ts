/**
 * Incremental compaction must be invisible: an index (and an engine) migrating its packed store a
 * few keys per upsert answers exactly as one compacting the whole side at once, at every step,
 * mid-migration and across a snapshot taken mid-migration.
 */
import { MatchingEngine, MatchRecord } from './index';
import { PostingIndex } from './blocking';
import { ChunkReader, ChunkWriter } from './snapshot';
import { IntVec } from './util';
import { population } from '../test-fixtures/population';

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/** a key's postings in the order gather visits them (run, then tail newest first), live ones only */
function visitOrder(idx: PostingIndex, key: number, dead: Set<number>): number[] {
  const s = idx.slot(key);
  let out: number[];
  if (idx.genAt(s) !== idx.generation) {
    const buf = new IntVec(16);
    const n = idx.inCompactedOrder(s, buf);
    out = Array.from(buf.data.subarray(0, n));
  } else {
    const g = idx.genAt(s), packed = idx.packedOf(g), next = idx.nextOf(g), vals = idx.valsOf(g);
    out = [];
    for (let k = idx.packedStartAt(s), b = k + idx.packedCountAt(s); k < b; k++) out.push(packed[k]);
    for (let p = idx.headAt(s); p >= 0; p = next[p]) out.push(vals[p]);
  }
  return out.filter((v) => !dead.has(v));
}

function reloaded(idx: PostingIndex, isDead: (v: number) => boolean): PostingIndex {
  idx.finishMigration(isDead);
  const w = new ChunkWriter();
  idx.dump(w, 'p');
  const copy = new PostingIndex(4, 'incremental');
  copy.load(new ChunkReader(w.chunks), 'p');
  copy.afterLoad(isDead);
  return copy;
}

describe('PostingIndex incremental compaction', () => {
  it('keeps counts, visit order and live postings identical to whole compaction at every step (removes, rehashes, reloads mid-migration)', () => {
    const rnd = lcg(42);
    const whole = new PostingIndex(4, 'whole');
    let inc = new PostingIndex(4, 'incremental');
    const dead = new Set<number>();
    const isDead = (v: number) => dead.has(v);
    const recordKeys: number[][] = [];
    const model = new Map<number, number[]>(); // key → records, oldest first
    let midMigration = 0, reloadsMid = 0, reloadDue = false;
    let sincePoint: number[] = []; // records removed since the last compaction point
    const nKeys = 600;
    for (let step = 0; step < 9000; step++) {
      if (step > 100 && rnd() < 0.15) {
        // remove a random live record (a re-upsert is a remove plus a new record)
        const r = Math.floor(rnd() * recordKeys.length);
        if (!dead.has(r)) {
          dead.add(r);
          inc.removed(recordKeys[r], r);
          sincePoint.push(r);
        }
      }
      const n = recordKeys.length;
      const keys = new Set<number>();
      const k = 2 + Math.floor(rnd() * 10);
      // keys grow over time (rehashes mid-migration), skewed so that some blocks are large
      while (keys.size < k) keys.add(1 + Math.floor(Math.pow(rnd(), 2) * Math.min(nKeys, 20 + step / 8)));
      recordKeys.push([...keys]);
      for (const key of keys) {
        whole.add(key, n);
        inc.add(key, n);
        if (!model.has(key)) model.set(key, []);
        model.get(key)!.push(n);
      }
      whole.maintain(isDead);
      const points = inc.compactions;
      inc.maintain(isDead);
      if (inc.compactions !== points) sincePoint = [];
      if (inc.compacting) midMigration++;
      // through a dump and load: mostly mid-migration, once outside one
      if (step % 1500 === 700) reloadDue = true;
      if (reloadDue && (inc.compacting || step === 8500)) {
        if (inc.compacting) reloadsMid++;
        inc = reloaded(inc, isDead);
        reloadDue = false;
      }
      // every key now and then, a rotating tenth of them at every step (mid-migration included)
      const all = step % 50 === 0;
      expect(inc.postings).toBe(whole.postings);
      for (const key of model.keys()) {
        if (!all && key % 10 !== step % 10) continue;
        const order = visitOrder(inc, key, dead);
        // strings compared first: a deep equality per key and step would take minutes
        const got = `${inc.count(key)}|${order}|${inc.values(key).filter((v) => !dead.has(v))}`;
        const want = `${whole.count(key)}|${visitOrder(whole, key, dead)}|${whole.values(key).filter((v) => !dead.has(v))}`;
        if (got !== want) expect({ step, key, got }).toEqual({ step, key, got: want });
        const live = model.get(key)!.filter((v) => !dead.has(v));
        if (`${[...order].sort((x, y) => x - y)}` !== `${live}`) expect({ step, key, order }).toEqual({ step, key, order: live });
      }
    }
    expect(midMigration).toBeGreaterThan(150);
    expect(reloadsMid).toBeGreaterThan(0);
    // dead postings are dropped: once the migration is done, only those of records removed since
    // the last compaction point remain (as after a whole compaction)
    inc.finishMigration(isDead);
    let stored = 0, live = 0;
    for (const key of model.keys()) stored += inc.values(key).length;
    for (const rs of model.values()) live += rs.filter((v) => !dead.has(v)).length;
    expect(sincePoint.length).toBeGreaterThan(0);
    expect(stored - live).toBe(sincePoint.reduce((a, r) => a + recordKeys[r].length, 0));
  });
});

describe('MatchingEngine incremental compaction', () => {
  const stateOf = (e: MatchingEngine) => (e as unknown as { indexes: PostingIndex[] }).indexes;
  const counts = (e: MatchingEngine) => Object.fromEntries(Object.entries(e.stats()).filter(([k]) => !k.endsWith('Bytes')));

  for (const [label, options] of [['default options', {}], ['tight candidate cut and block cap', { maxCandidates: 25, blockCap: 60, postingBudget: 3000 }]] as const) {
    it(`answers exactly as whole compaction through upserts, removes and re-upserts (${label})`, () => {
      const rnd = lcg(7);
      const records = population(2600, 21);
      const queries = population(60, 5).map((q, i) => ({ ...q, id: `q${i}` }));
      const whole = new MatchingEngine({ ...options, compaction: 'whole' });
      let inc = new MatchingEngine({ ...options, compaction: 'incremental' });
      const ids: MatchRecord[] = [];
      let midMigration = 0, snapshotsMid = 0, snapshotDue = false;
      const check = (q: MatchRecord, full: boolean) => {
        expect(inc.candidateIds(q)).toEqual(whole.candidateIds(q));
        if (full) {
          expect(inc.match(q, { minProbability: 0.01, limit: 15 })).toEqual(whole.match(q, { minProbability: 0.01, limit: 15 }));
          expect(counts(inc)).toEqual(counts(whole));
        }
      };
      for (let step = 0; step < records.length; step++) {
        const ops: Array<(e: MatchingEngine) => void> = [(e) => e.upsert(records[step])];
        ids.push(records[step]);
        const u = rnd();
        if (step > 50 && u < 0.12) {
          const r = ids[Math.floor(rnd() * ids.length)];
          ops.push((e) => e.remove(r.id));
        } else if (step > 50 && u < 0.24) {
          const r = ids[Math.floor(rnd() * ids.length)];
          const edited = { ...r, name: { ...r.name, given: rnd() < 0.5 ? 'Abdullahi' : r.name.given }, dateOfBirth: '2012-04-0' + (1 + Math.floor(rnd() * 9)) };
          ops.push((e) => e.upsert(edited));
        }
        for (const op of ops) { op(whole); op(inc); }
        if (stateOf(inc).some((i) => i.compacting)) midMigration++;
        // through a snapshot, taken mid-migration
        if (step % 900 === 450) snapshotDue = true;
        if (snapshotDue && stateOf(inc).some((i) => i.compacting)) {
          snapshotsMid++;
          inc = MatchingEngine.restore(inc.snapshot(), { ...options, compaction: 'incremental' });
          snapshotDue = false;
        }
        check(queries[step % queries.length], step % 40 === 0 || stateOf(inc).some((i) => i.compacting) && step % 5 === 0);
      }
      expect(midMigration).toBeGreaterThan(200);
      expect(snapshotsMid).toBeGreaterThan(0);
      for (const q of [...queries, ...records.slice(0, 60)]) check(q, true);
    });
  }
});
