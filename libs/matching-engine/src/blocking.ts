/**
 * Candidate generation (blocking).
 *
 * Every record is filed under several keys (32-bit hashes of key strings):
 *
 *   N1  one name-token code                    (rare names alone are selective)
 *   NN  an unordered pair of name-token codes  (order/swap-proof; given+family, family+father…);
 *       also first-name code × the father's given (and second) name code: patronymic naming
 *   NY  a name-token code × 3-year birth band   (one name token + age)
 *   NM  first-name code × mother's first-name code
 *   MF  mother's × father's first-name codes   (child's own name unusable)
 *   MY  mother's first-name code × birth band
 *   NP  first-name code × admin-2 P-code of origin / separation
 *   D   exact date of birth, day/month order-free
 *
 * A token's codes are its phonetic key plus the phonetic key of the label of
 * each variant group it belongs to (so Sasha meets Oleksandr, Grigoriy meets
 * Hryhorii). At query time keys are visited smallest block first; blocks larger
 * than `blockCap` are skipped (very common names rely on their other keys), and
 * at most `maxCandidates` distinct records are scored. Query keys carry their
 * evidence family (name / parents / place / date of birth, `KeyFamily`): keys of
 * one family are correlated (N1, NN and NY of one token vote for the same
 * look-alikes), so the engine counts a family's later votes for a record at a
 * discount and lets independent evidence decide who survives the cut.
 *
 * The posting store is an open-addressing hash table (Int32Array key / head /
 * count / run) over a packed Int32 store with one contiguous run per key
 * (4 bytes per posting, scanned without pointer chasing), plus linked lists
 * for postings added since the last compaction; a compaction point comes when
 * that tail reaches a quarter of the packed store (amortised O(1) per posting).
 * There the store is rebuilt incrementally: a few keys per upsert migrate into
 * a second packed array (work owed in proportion to the postings added, done
 * well before the next point), readers take each key from its generation, and
 * a key's counts and posting order are those the whole-side rebuild gave (the
 * candidates do not depend on how far a migration is). About 4–5 bytes per
 * posting plus ~28 bytes per distinct key, no per-key objects.
 */
import { IntVec, hash32 } from './util';
import { ChunkReader, ChunkWriter } from './snapshot';
import { Lexicon } from './lexicon';
import { BirthKind, PName, Prepared, nameTokens } from './prepare';
import { StringPool } from './util';
import { tokeniseName } from './text/names';
import { fold, phoneticKey } from './text/normalise';

/**
 * How the packed store is rebuilt: `whole` = every key at once when the tail reaches a quarter of
 * the store (as before: a stall of ≈ 1 s per side at 1M records); `incremental` = the same
 * compaction points, but the rebuild migrates a few keys per upsert into a second packed array.
 */
export type CompactionMode = 'incremental' | 'whole';

const GEN_BIT = 0x80000000 | 0;
const START_MASK = 0x7fffffff;
const EMPTY = new Int32Array(0);

export class PostingIndex {
  private keys: Int32Array;
  /** per slot: head of the key's linked tail in next/vals of its generation (-1 = none) */
  private heads: Int32Array;
  /**
   * per slot: postings of the key — compacted + tail, as of the last compaction point (postings of
   * records removed since then still count: the figure gather weighs a key's votes by, kept exactly
   * as the whole compaction had it)
   */
  private counts: Int32Array;
  /** per slot: the key's compacted run in the packed array of its generation (bit 31 = generation) */
  private packedStart: Int32Array;
  private packedCount: Int32Array;
  private mask: number;
  private used = 0;
  /**
   * Two generations of packed store and tail: outside a migration every key is in generation
   * `gen` and the other one is empty; during one, keys not yet migrated are still in the other.
   */
  private readonly packedGen: Int32Array[] = [EMPTY, EMPTY];
  private readonly nextGen = [new IntVec(1 << 12), new IntVec(4)];
  private readonly valsGen = [new IntVec(1 << 12), new IntVec(4)];
  private gen = 0;

  // the compaction schedule (both modes): postings added since the last compaction point, and
  // the number of (live) postings that point left
  private sinceCompaction = 0;
  private compactedSize = 0;
  /** Σ counts */
  private total = 0;
  /** slots of the postings of records removed since the last compaction point (their counts drop at the next one) */
  private readonly pendingDead = new IntVec(1 << 10);
  /** records removed since the last compaction point: a migration keeps their postings (dropped at the next one) */
  private readonly diedSince = new Set<number>();

  // the running migration (incremental mode)
  private migrating = false;
  /** next slot to look at */
  private cursor = 0;
  /** tail positions (in the old generation) below this predate the compaction point */
  private split = 0;
  /** postings written to the new packed array */
  private written = 0;
  /** migration work (slots looked at + postings moved) owed per posting added */
  private rate = 0;
  private credit = 0;
  private readonly chain = new IntVec(1 << 10);
  /** compaction points and table doublings so far (benchmarks attribute slow upserts with them) */
  compactions = 0;
  rehashes = 0;
  /** migrations still running at the next compaction point (finished at once there; not expected) */
  overruns = 0;

  constructor(initialCapacity = 1 << 14, readonly mode: CompactionMode = 'whole') {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.keys = new Int32Array(cap);
    this.heads = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.packedStart = new Int32Array(cap);
    this.packedCount = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** the slot of a key (its `keys` entry is 0 when the key is absent) */
  slot(key: number): number {
    let i = (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
    const keys = this.keys;
    while (keys[i] !== 0 && keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  private rehash(): void {
    const oldK = this.keys, oldH = this.heads, oldC = this.counts, oldS = this.packedStart, oldN = this.packedCount;
    const cap = oldK.length * 2;
    this.rehashes++;
    this.keys = new Int32Array(cap);
    this.heads = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.packedStart = new Int32Array(cap);
    this.packedCount = new Int32Array(cap);
    this.mask = cap - 1;
    // pending slots move with their keys
    const moved = this.pendingDead.length > 0 ? new Int32Array(oldK.length) : null;
    for (let i = 0; i < oldK.length; i++) {
      if (oldK[i] === 0) continue;
      const s = this.slot(oldK[i]);
      this.keys[s] = oldK[i];
      this.heads[s] = oldH[i];
      this.counts[s] = oldC[i];
      this.packedStart[s] = oldS[i];
      this.packedCount[s] = oldN[i];
      if (moved) moved[i] = s;
    }
    if (moved) for (let i = 0, d = this.pendingDead.data; i < this.pendingDead.length; i++) d[i] = moved[d[i]];
    // slot order changed: the migration looks at every slot again (migrated ones are skipped)
    this.cursor = 0;
  }

  add(key: number, value: number): void {
    if ((this.used + 1) * 10 > this.keys.length * 7) this.rehash();
    const s = this.slot(key);
    if (this.keys[s] === 0) {
      this.keys[s] = key;
      this.heads[s] = -1;
      // a new key belongs to the current generation (mid-migration: nothing to migrate)
      this.packedStart[s] = this.gen === 1 ? GEN_BIT : 0;
      this.used++;
    }
    const g = this.packedStart[s] >>> 31;
    const p = this.valsGen[g].push(value);
    this.nextGen[g].push(this.heads[s]);
    this.heads[s] = p;
    this.counts[s]++;
    this.total++;
    this.sinceCompaction++;
    this.credit += this.rate;
  }

  /** incremental mode: the record `value` with these keys was removed (its postings stay until the next compaction point) */
  removed(keys: readonly number[], value: number): void {
    if (this.mode !== 'incremental') return;
    for (const k of keys) {
      const s = this.slot(k);
      if (this.keys[s] !== 0) this.pendingDead.push(s);
    }
    this.diedSince.add(value);
  }

  /** true when enough postings were added since the last compaction to make one worth it */
  get wantsCompaction(): boolean {
    return this.sinceCompaction >= 4096 && this.sinceCompaction * 4 >= this.compactedSize;
  }

  /**
   * After an upsert's postings: compact at the compaction points (whole mode), or start the
   * migration there and advance a running one by the work owed for the postings just added.
   */
  maintain(isDead: (value: number) => boolean): void {
    if (this.mode === 'whole') {
      if (this.wantsCompaction) this.compact(isDead);
      return;
    }
    if (this.wantsCompaction) this.startMigration(isDead);
    if (this.migrating) this.migrate(isDead, this.credit);
  }

  /**
   * Move every key's postings into one contiguous run (postings of records
   * `isDead` says are gone are dropped). Amortised O(1) per posting: called
   * when the tail reaches a quarter of the packed store. Whole mode only.
   */
  compact(isDead: (value: number) => boolean = () => false): void {
    if (this.mode !== 'whole') throw new Error('PostingIndex.compact: whole mode only');
    const cap = this.keys.length;
    let total = 0;
    for (let i = 0; i < cap; i++) if (this.keys[i] !== 0) total += this.counts[i];
    let out = new Int32Array(total);
    this.compactions++;
    const old = this.packedGen[0];
    const next = this.nextGen[0].data, vals = this.valsGen[0].data;
    let w = 0;
    for (let i = 0; i < cap; i++) {
      if (this.keys[i] === 0) continue;
      const start = w;
      const a = this.packedStart[i], b = a + this.packedCount[i];
      for (let k = a; k < b; k++) if (!isDead(old[k])) out[w++] = old[k];
      // the tail is newest-first: append it reversed so a run stays oldest → newest
      const from = w;
      for (let p = this.heads[i]; p >= 0; p = next[p]) if (!isDead(vals[p])) out[w++] = vals[p];
      out.subarray(from, w).reverse();
      this.packedStart[i] = start;
      this.packedCount[i] = w - start;
      this.counts[i] = w - start;
      this.heads[i] = -1;
    }
    if (w < total) out = out.slice(0, w); // postings of removed records were dropped
    this.packedGen[0] = out;
    this.total = this.compactedSize = w;
    this.sinceCompaction = 0;
    this.nextGen[0].length = 0;
    this.valsGen[0].length = 0;
    this.nextGen[0].shrink(1 << 12);
    this.valsGen[0].shrink(1 << 12);
  }

  /**
   * A compaction point (incremental mode): counts drop the postings of records removed since the
   * last one, as the whole compaction's did, and a migration of every key into a new packed array
   * (the other generation) begins. Postings of records dead now are dropped on the way; postings
   * added from here on stay in tails.
   */
  private startMigration(isDead: (value: number) => boolean): void {
    if (this.migrating) {
      // the last one overran its window (not expected: see rate): finish it now
      this.overruns++;
      this.finishMigration(isDead);
    }
    this.compactions++;
    const counts = this.counts, pd = this.pendingDead;
    for (let i = 0; i < pd.length; i++) counts[pd.data[i]]--;
    this.total -= pd.length;
    pd.length = 0;
    pd.shrink(1 << 10);
    this.diedSince.clear();
    this.compactedSize = this.total;
    this.sinceCompaction = 0;
    const old = this.gen;
    this.gen = 1 - old;
    this.split = this.valsGen[old].length;
    // every posting so far is of a record alive now or counted in pendingDead: the live ones fill it exactly
    this.packedGen[this.gen] = new Int32Array(this.total);
    this.written = 0;
    this.cursor = 0;
    this.migrating = true;
    // done within an eighth of the postings to the next compaction point (a quarter of the
    // store), so two packed arrays coexist only briefly; ≈ 50 units per posting added at 1M
    // records (microseconds per upsert). The slack covers postings added to keys not yet
    // migrated and a restart after a rehash.
    const work = this.keys.length + this.packedGen[old].length + this.split;
    this.rate = Math.ceil((8 * work) / Math.max(4096, this.total / 4)) + 1;
    this.credit = 0;
  }

  /** migrate slots until `budget` units of work (slots looked at + postings moved) are done */
  private migrate(isDead: (value: number) => boolean, budget: number): void {
    const keys = this.keys;
    let work = 0;
    while (work < budget && this.cursor < keys.length) {
      const s = this.cursor++;
      work++;
      if (keys[s] === 0 || this.packedStart[s] >>> 31 === this.gen) continue;
      work += this.migrateSlot(s, isDead);
    }
    this.credit = Math.max(0, this.credit - work);
    if (this.cursor >= this.keys.length) this.endMigration();
  }

  /** finish a running migration at once (before a snapshot) */
  finishMigration(isDead: (value: number) => boolean): void {
    if (this.migrating) this.migrate(isDead, Infinity);
  }

  /**
   * One key into the new generation: its compacted run and the part of its tail from before the
   * compaction point become one run, oldest → newest; postings added since stay a tail.
   * Returns the postings moved.
   */
  private migrateSlot(s: number, isDead: (value: number) => boolean): number {
    const g = this.gen, old = 1 - g;
    const src = this.packedGen[old];
    const oNext = this.nextGen[old].data, oVals = this.valsGen[old].data;
    const chain = this.chain;
    chain.length = 0;
    let after = 0; // chain entries added since the compaction point (the first ones: newest first)
    for (let p = this.heads[s]; p >= 0; p = oNext[p]) {
      chain.push(oVals[p]);
      if (p >= this.split) after++;
    }
    const a = this.packedStart[s] & START_MASK, b = a + this.packedCount[s];
    let dst = this.packedGen[g];
    let w = this.written;
    if (w + (b - a) + (chain.length - after) > dst.length) {
      // only if the counts missed a removal; never expected
      const grown = new Int32Array(Math.max(w + (b - a) + chain.length, Math.ceil(dst.length * 1.25)));
      grown.set(dst.subarray(0, w));
      this.packedGen[g] = dst = grown;
    }
    const start = w;
    const died = this.diedSince;
    for (let k = a; k < b; k++) {
      const v = src[k];
      if (!isDead(v) || died.has(v)) dst[w++] = v;
    }
    const cv = chain.data;
    for (let i = chain.length - 1; i >= after; i--) {
      const v = cv[i];
      if (!isDead(v) || died.has(v)) dst[w++] = v;
    }
    this.written = w;
    this.packedStart[s] = start | (g === 1 ? GEN_BIT : 0);
    this.packedCount[s] = w - start;
    // the newer postings re-linked in the new generation, oldest first so the list stays newest first
    const nn = this.nextGen[g], nv = this.valsGen[g];
    let h = -1;
    for (let i = after - 1; i >= 0; i--) {
      const q = nv.push(cv[i]);
      nn.push(h);
      h = q;
    }
    this.heads[s] = h;
    return (b - a) + chain.length + after;
  }

  private endMigration(): void {
    const g = this.gen, old = 1 - g;
    const dst = this.packedGen[g];
    if (this.written < dst.length) this.packedGen[g] = dst.subarray(0, this.written); // see migrateSlot: never expected
    this.packedGen[old] = EMPTY;
    this.nextGen[old].length = 0;
    this.valsGen[old].length = 0;
    this.nextGen[old].shrink(1 << 12);
    this.valsGen[old].shrink(1 << 12);
    this.migrating = false;
    this.rate = 0;
    this.credit = 0;
  }

  /** postings count of a key (0 when absent) */
  count(key: number): number {
    const s = this.slot(key);
    return this.keys[s] === 0 ? 0 : this.counts[s];
  }
  countAt(slot: number): number {
    return this.keys[slot] === 0 ? 0 : this.counts[slot];
  }

  /** the generation readers take a slot's arrays from (`packedOf`, `nextOf`, `valsOf`) */
  genAt(slot: number): number {
    return this.packedStart[slot] >>> 31;
  }
  /** the generation every slot is in, except slots not yet migrated by a running migration */
  get generation(): number {
    return this.gen;
  }
  packedOf(gen: number): Int32Array {
    return this.packedGen[gen];
  }
  nextOf(gen: number): Int32Array {
    return this.nextGen[gen].data;
  }
  valsOf(gen: number): Int32Array {
    return this.valsGen[gen].data;
  }
  /** head of the slot's tail list (newest first; in `nextOf/valsOf(genAt(slot))`) */
  headAt(slot: number): number {
    return this.keys[slot] === 0 ? -1 : this.heads[slot];
  }
  /** start of the slot's compacted run in `packedOf(genAt(slot))` */
  packedStartAt(slot: number): number {
    return this.packedStart[slot] & START_MASK;
  }
  packedCountAt(slot: number): number {
    return this.keys[slot] === 0 ? 0 : this.packedCount[slot];
  }

  /**
   * The postings of a slot not yet migrated (`genAt(slot) !== generation`), in the order a
   * compacted slot gives them: up to the compaction point oldest first, then newest first (its
   * tail mixes both; readers must not depend on the migration's progress). Into `out`, returns the count.
   */
  inCompactedOrder(slot: number, out: IntVec): number {
    out.length = 0;
    const g = this.genAt(slot);
    const src = this.packedGen[g];
    const a = this.packedStartAt(slot), b = a + this.packedCountAt(slot);
    out.append(src, a, b); // one block copy (a query may visit thousands of such postings)
    const next = this.nextGen[g].data, vals = this.valsGen[g].data;
    let after = 0;
    const from = out.length;
    for (let p = this.headAt(slot); p >= 0; p = next[p]) {
      out.push(vals[p]);
      if (p >= this.split) after++;
    }
    // [newer ones newest first | older ones newest first] → [older ones oldest first | newer ones newest first]
    const d = out.data;
    d.subarray(from, out.length).reverse();
    d.subarray(out.length - after, out.length).reverse();
    return out.length;
  }

  /** all postings of a key, newest first (tests, diagnostics) */
  values(key: number): number[] {
    const s = this.slot(key);
    if (this.keys[s] === 0) return [];
    const out: number[] = [];
    const g = this.genAt(s);
    const next = this.nextGen[g].data, vals = this.valsGen[g].data, packed = this.packedGen[g];
    for (let p = this.heads[s]; p >= 0; p = next[p]) out.push(vals[p]);
    const a = this.packedStartAt(s);
    for (let k = a + this.packedCount[s] - 1; k >= a; k--) out.push(packed[k]);
    return out;
  }

  /** true while a migration runs (tests) */
  get compacting(): boolean {
    return this.migrating;
  }

  /** the layout of the whole mode: finish a running migration first (`finishMigration`) */
  dump(w: ChunkWriter, name: string): void {
    if (this.migrating) throw new Error('PostingIndex.dump: migration running');
    const g = this.gen;
    const starts = this.packedStart.slice();
    if (g === 1) for (let i = 0; i < starts.length; i++) starts[i] &= START_MASK;
    w.ints(`${name}.keys`, this.keys.slice());
    w.ints(`${name}.heads`, this.heads.slice());
    w.ints(`${name}.counts`, this.counts.slice());
    w.ints(`${name}.packedStart`, starts);
    w.ints(`${name}.packedCount`, this.packedCount.slice());
    w.ints(`${name}.packed`, this.packedGen[g].slice());
    w.ints(`${name}.next`, this.nextGen[g].copy());
    w.ints(`${name}.vals`, this.valsGen[g].copy());
    w.json(`${name}.meta`, { used: this.used });
  }
  load(r: ChunkReader, name: string): void {
    this.keys = r.ints(`${name}.keys`);
    this.heads = r.ints(`${name}.heads`);
    this.counts = r.ints(`${name}.counts`);
    this.packedStart = r.ints(`${name}.packedStart`);
    this.packedCount = r.ints(`${name}.packedCount`);
    const cap = this.keys.length;
    if (cap === 0 || (cap & (cap - 1)) !== 0 || [this.heads, this.counts, this.packedStart, this.packedCount].some((a) => a.length !== cap)) {
      throw new Error(`PostingIndex.load: inconsistent snapshot (${name})`);
    }
    this.mask = cap - 1;
    this.gen = 0;
    this.migrating = false;
    this.packedGen[0] = r.ints(`${name}.packed`);
    this.packedGen[1] = EMPTY;
    this.nextGen[0].load(r.ints(`${name}.next`));
    this.valsGen[0].load(r.ints(`${name}.vals`));
    this.nextGen[1].length = this.valsGen[1].length = 0;
    this.used = r.json<{ used: number }>(`${name}.meta`).used;
    this.compactedSize = this.packedGen[0].length;
    this.sinceCompaction = this.valsGen[0].length;
    this.total = this.compactedSize + this.sinceCompaction;
    this.pendingDead.length = 0;
    this.diedSince.clear();
  }
  /**
   * After `load`, once the records are back (incremental mode): the postings of removed records
   * still stored are those of records removed since the last compaction point — pending again.
   */
  afterLoad(isDead: (value: number) => boolean): void {
    if (this.mode !== 'incremental') return;
    const packed = this.packedGen[0], next = this.nextGen[0].data, vals = this.valsGen[0].data;
    for (let s = 0; s < this.keys.length; s++) {
      if (this.keys[s] === 0) continue;
      const a = this.packedStart[s], b = a + this.packedCount[s];
      for (let k = a; k < b; k++) if (isDead(packed[k])) { this.pendingDead.push(s); this.diedSince.add(packed[k]); }
      for (let p = this.heads[s]; p >= 0; p = next[p]) if (isDead(vals[p])) { this.pendingDead.push(s); this.diedSince.add(vals[p]); }
    }
  }

  get distinctKeys(): number {
    return this.used;
  }
  /** postings stored as of the last compaction point + added since (those of removed records included) */
  get postings(): number {
    return this.total;
  }
  get bytes(): number {
    return this.keys.byteLength * 5 + this.packedGen[0].byteLength + this.packedGen[1].byteLength +
      this.nextGen[0].byteLength + this.valsGen[0].byteLength + this.nextGen[1].byteLength + this.valsGen[1].byteLength;
  }
}

/** evidence family of a query key, one bit each (a record's families so far fit one byte) */
export enum KeyFamily { Name = 1, Parents = 2, Place = 4, Birth = 8 }

/** keys of a query record with the evidence family of each (same order) */
export interface BlockingKeys {
  keys: number[];
  families: Uint8Array;
  /**
   * 1 for a key whose block is visited only when small (`EngineOptions.narrowBlockCap`): the typo
   * skeletons (ND) and the father's names (FY, and a query's father under NY). Their blocks of
   * common names are large at a million records and carry little evidence; visited in full they
   * took the posting budget and the latency target's margin
   */
  narrow: Uint8Array;
}

/** in a key's family map entry: the key is narrow (see BlockingKeys.narrow) */
const NARROW = 16;

function familyOf(key: string): KeyFamily {
  switch (key.slice(0, 2)) {
    case 'NM': case 'MF': case 'MY': case 'FY': return KeyFamily.Parents;
    case 'NP': return KeyFamily.Place;
    default: return key[0] === 'D' ? KeyFamily.Birth : KeyFamily.Name;
  }
}

const BAND = 36; // months
const QUERY_SLACK = 30; // months either side at query time
/** birth bands a name search without a date of birth looks in: born 1990 to 2041 */
const SEARCH_BANDS = [Math.floor((1990 * 12) / BAND), Math.floor((2041 * 12 + 11) / BAND)];

/** Builds the blocking keys of a prepared record. */
export class KeyMaker {
  private readonly codeCache: number[][] = [];
  /**
   * `fatherNamePairs`: file the first name paired with the father's names under NN (false = as
   * before kinlink-fs-1.3.0); `skeletonKeys`: ND keys, `fatherBandKeys`: FY keys (false = as before
   * 2026-12-08). The switches exist for A/B measurements.
   */
  constructor(
    readonly lex: Lexicon,
    readonly pool: StringPool,
    readonly fatherNamePairs = true,
    readonly skeletonKeys = true,
    readonly fatherBandKeys = true,
  ) {}

  private readonly skeletonCache = new Map<number, string[]>();
  /**
   * ND skeletons of a first name: its phonetic key and, from four letters on, the key with any one
   * letter left out (symmetric deletion: *Shbfiq* SBFQ and *Shavfeeq* SFQ meet on SFQ, *Paawana*
   * PWN and *Parwaana* PRWN on PWN).
   */
  private skeletons(tok: number): string[] {
    const f = this.lex.tokFold.data[tok];
    let out = this.skeletonCache.get(f);
    if (out) return out;
    out = [];
    const k = phoneticKey(this.lex.foldStr[f]);
    out.push(k);
    if (k.length >= 4) {
      for (let i = 0; i < k.length; i++) {
        const d = k.slice(0, i) + k.slice(i + 1);
        if (!out.includes(d)) out.push(d);
      }
    }
    this.skeletonCache.set(f, out);
    return out;
  }

  /** the ND skeletons of a record's first name, and of its first two names joined (*Wellde Senbet* ~ *Weldessenbat*) */
  private firstNameSkeletons(p: Prepared): string[] {
    const lt = nameTokens(p.name);
    const first = lt[0] ?? p.name.orig[0];
    const skel = first !== undefined ? [...this.skeletons(first)] : [];
    if (lt.length >= 2) {
      const j = phoneticKey(this.lex.foldStr[this.lex.tokFold.data[lt[0]]] + this.lex.foldStr[this.lex.tokFold.data[lt[1]]]);
      if (!skel.includes(j)) skel.push(j);
    }
    return skel;
  }

  /**
   * A name search's keys: a query's and, when the search gives no date of birth, the first name's ND
   * skeletons in every birth band from 1990 to 2041 — stored records file them per band, and a search
   * is rare enough to look in all of them (typo-tolerant without a date: *Shavfeeq* finds *Shbfiq*)
   */
  searchKeys(p: Prepared): BlockingKeys {
    const q = this.queryKeys(p);
    if (!this.skeletonKeys || p.birthKind !== BirthKind.None) return q;
    const keys = new Set(q.keys);
    const extra: number[] = [];
    for (const k of this.firstNameSkeletons(p)) {
      for (let b = SEARCH_BANDS[0]; b <= SEARCH_BANDS[1]; b++) {
        const h = hash32(`ND${k}.${b}`);
        if (!keys.has(h)) { keys.add(h); extra.push(h); }
      }
    }
    const families = new Uint8Array(q.keys.length + extra.length);
    families.set(q.families);
    families.fill(KeyFamily.Name, q.keys.length);
    const narrow = new Uint8Array(families.length);
    narrow.set(q.narrow);
    narrow.fill(1, q.keys.length);
    return { keys: [...q.keys, ...extra], families, narrow };
  }

  /** phonetic-key codes of a token: own key + keys of its variant-group labels (+ alt reading) */
  codes(tok: number): number[] {
    const lex = this.lex;
    const f = lex.tokFold.data[tok];
    const alt = lex.tokAltFold.data[tok];
    const cacheKey = alt >= 0 ? -1 : f;
    if (cacheKey >= 0 && this.codeCache[cacheKey]) return this.codeCache[cacheKey];
    const out: number[] = [];
    const addFold = (fold: number) => {
      const p = lex.foldPhon.data[fold];
      if (!out.includes(p)) out.push(p);
      const groups = lex.foldGroups[fold];
      for (let i = 0; i < groups.length && i < 3; i++) {
        const labelFold = this.labelFold(groups[i]);
        const lp = lex.foldPhon.data[labelFold];
        if (!out.includes(lp)) out.push(lp);
      }
    };
    addFold(f);
    if (alt >= 0) addFold(alt);
    if (cacheKey >= 0) this.codeCache[cacheKey] = out;
    return out;
  }

  private readonly labelFolds = new Map<number, number>();
  private labelFold(group: number): number {
    let f = this.labelFolds.get(group);
    if (f === undefined) {
      const label = this.lex.variants.label(group);
      const toks = tokeniseName(label).tokens;
      f = this.lex.foldId(toks.length > 0 ? fold(toks.map((t) => t.norm).join('')) : label.toLowerCase());
      this.labelFolds.set(group, f);
    }
    return f;
  }

  private static bandsOf(lo: number, hi: number): number[] {
    const a = Math.floor(lo / BAND);
    const b = Math.floor(hi / BAND);
    const out: number[] = [];
    for (let x = a; x <= b; x++) out.push(x);
    return out;
  }

  private firstCodes(n: PName): number[] {
    const out: number[] = [];
    const t = n.all[0] ?? n.orig[0];
    if (t !== undefined) out.push(...this.codes(t));
    if (n.orig.length > 0) for (const c of this.codes(n.orig[0])) if (!out.includes(c)) out.push(c);
    return out;
  }

  /**
   * Key hashes of a record. `query` widens the birth bands (±30 months) so that
   * stored and queried records meet when their birth estimates are close.
   */
  /** a query record's keys (birth bands widened) with their evidence families */
  queryKeys(p: Prepared, debug?: Map<number, string>): BlockingKeys {
    const fams = new Map<number, KeyFamily>();
    const keys = this.keys(p, true, debug, fams);
    const families = new Uint8Array(keys.length);
    const narrow = new Uint8Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const f = fams.get(keys[i])!;
      families[i] = f & ~NARROW;
      narrow[i] = f & NARROW ? 1 : 0;
    }
    return { keys, families, narrow };
  }

  keys(p: Prepared, query: boolean, debug?: Map<number, string>, families?: Map<number, KeyFamily>): number[] {
    const set = new Set<number>();
    const add = debug || families
      ? (s: string, family?: KeyFamily) => {
        const h = hash32(s);
        set.add(h);
        debug?.set(h, s);
        // a hash shared by two families (a collision) keeps the first one's; a family given here is
        // the father's names under a name key (narrow, as ND and FY are)
        if (families && !families.has(h)) families.set(h, (family ?? familyOf(s)) | (family !== undefined || s.startsWith('ND') || s.startsWith('FY') ? NARROW : 0));
      }
      : (s: string) => set.add(hash32(s));
    // name-token codes per rendering
    const renderings: number[][] = [];
    const lt = nameTokens(p.name);
    if (lt.length) renderings.push(lt.slice(0, 4));
    if (p.name.orig.length) renderings.push(p.name.orig.slice(0, 4));
    if (p.name.nick.length) renderings.push([...p.name.nick.slice(0, 2), ...lt.slice(1, 3)]);
    const tokenCodes: number[][] = [];
    for (const r of renderings) {
      const rc = r.map((t) => this.codes(t));
      for (let i = 0; i < rc.length; i++) {
        tokenCodes.push(rc[i]);
        for (let j = i + 1; j < rc.length; j++) {
          for (const a of rc[i]) for (const b of rc[j]) {
            if (a === b) continue;
            add(a < b ? `NN${a}.${b}` : `NN${b}.${a}`);
          }
        }
      }
    }
    for (const cs of tokenCodes) for (const c of cs) add(`N1${c}`);
    const firstCodes = this.firstCodes(p.name);
    for (const c of p.name.nick.slice(0, 2).flatMap((t) => this.codes(t))) if (!firstCodes.includes(c)) firstCodes.push(c);

    let bands: number[] = [];
    if (p.birthKind !== BirthKind.None) {
      bands = query ? KeyMaker.bandsOf(p.birthLo - QUERY_SLACK, p.birthHi + QUERY_SLACK) : KeyMaker.bandsOf(p.birthLo, p.birthHi);
      for (const cs of tokenCodes.slice(0, 3)) for (const c of cs) for (const b of bands) add(`NY${c}.${b}`);
    }
    if (this.skeletonKeys && bands.length > 0) {
      // typos and spellings the phonetic key does not absorb, × birth band (the skeletons of short
      // names are common: the band keeps their blocks small)
      for (const k of this.firstNameSkeletons(p)) for (const b of bands) add(`ND${k}.${b}`);
    }
    const motherCodes = p.mother ? this.firstCodes(p.mother) : [];
    const fatherCodes = p.father ? this.firstCodes(p.father) : [];
    const fatherTokens = !p.father ? [] : p.father.all.length > 0 ? p.father.all : p.father.orig;
    if (this.fatherNamePairs && p.father) {
      // patronymic naming (Arabic, Somali, Tigrinya, Pashto): one record writes the child as
      // "Muhammad Adil" (Adil = the father), another as "Muhammad Sahhaf" with father "Adil
      // Hosayn": the father's given name (and his second name, the grandfather's) paired with the
      // child's first name meets the other record's NN key when the child's name pair alone
      // shares only a very common given name
      for (let i = 0; i < fatherTokens.length && i < 2; i++) {
        for (const f of this.codes(fatherTokens[i])) for (const a of firstCodes) {
          if (a !== f) add(a < f ? `NN${a}.${f}` : `NN${f}.${a}`);
        }
      }
    }
    if (this.fatherBandKeys && bands.length > 0) {
      // the father's given and second name × birth band (FY), as MY for the mother. Patronymic
      // naming also puts the father's name among the child's own other names in another record
      // (*Baba Naqib* ~ *Mehmoud*, father *Naqib Gul*): a query's other names look for stored
      // fathers under FY, and its father's names for stored names under NY (one key string each,
      // so the stored side files nothing more for it)
      const fatherNames = fatherTokens.slice(0, 2).flatMap((t) => this.codes(t));
      for (const c of fatherNames) for (const b of bands) add(`FY${c}.${b}`);
      if (query) {
        for (const r of [lt, p.name.orig]) for (const t of r.slice(1, 3)) for (const c of this.codes(t)) for (const b of bands) add(`FY${c}.${b}`);
        for (const c of fatherNames) for (const b of bands) add(`NY${c}.${b}`, KeyFamily.Parents);
      }
    }
    for (const a of firstCodes) for (const m of motherCodes) add(`NM${a}.${m}`);
    for (const m of motherCodes) for (const f of fatherCodes) add(`MF${m}.${f}`);
    for (const m of motherCodes) for (const b of bands) add(`MY${m}.${b}`);
    for (const place of [p.origin, p.separation]) {
      if (!place || place.pcode < 0) continue;
      const code = this.pool.get(place.pcode)!;
      if (code.length < 6) continue;
      const adm2 = code.slice(0, 6);
      for (const a of firstCodes) add(`NP${a}.${adm2}`);
    }
    if (p.birthKind === BirthKind.Full) {
      const y = Math.floor(p.dob / 10000), m = Math.floor(p.dob / 100) % 100, d = p.dob % 100;
      add(`D${y}.${Math.min(m, d)}.${Math.max(m, d)}`);
    }
    return [...set];
  }
}
