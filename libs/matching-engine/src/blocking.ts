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
 * for postings added since the last compaction; compaction runs when that tail
 * reaches a quarter of the packed store (amortised O(1) per posting). About
 * 4–5 bytes per posting plus ~28 bytes per distinct key, no per-key objects.
 */
import { IntVec, hash32 } from './util';
import { ChunkReader, ChunkWriter } from './snapshot';
import { Lexicon } from './lexicon';
import { BirthKind, PName, Prepared, nameTokens } from './prepare';
import { StringPool } from './util';
import { tokeniseName } from './text/names';
import { fold } from './text/normalise';

export class PostingIndex {
  private keys: Int32Array;
  /** per slot: head of the key's linked tail in next/vals (-1 = none) */
  private heads: Int32Array;
  /** per slot: postings of the key (compacted + tail) */
  private counts: Int32Array;
  /** per slot: the key's compacted run in `packed` */
  private packedStart: Int32Array;
  private packedCount: Int32Array;
  private mask: number;
  private used = 0;
  /** compacted postings, one contiguous run per key (scanned without pointer chasing) */
  packed = new Int32Array(0);
  /** postings added since the last compaction, as linked lists per key */
  readonly next = new IntVec(1 << 12);
  readonly vals = new IntVec(1 << 12);

  constructor(initialCapacity = 1 << 14) {
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
    this.keys = new Int32Array(cap);
    this.heads = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.packedStart = new Int32Array(cap);
    this.packedCount = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldK.length; i++) {
      if (oldK[i] === 0) continue;
      const s = this.slot(oldK[i]);
      this.keys[s] = oldK[i];
      this.heads[s] = oldH[i];
      this.counts[s] = oldC[i];
      this.packedStart[s] = oldS[i];
      this.packedCount[s] = oldN[i];
    }
  }

  add(key: number, value: number): void {
    if ((this.used + 1) * 10 > this.keys.length * 7) this.rehash();
    const s = this.slot(key);
    if (this.keys[s] === 0) {
      this.keys[s] = key;
      this.heads[s] = -1;
      this.used++;
    }
    const p = this.vals.push(value);
    this.next.push(this.heads[s]);
    this.heads[s] = p;
    this.counts[s]++;
  }

  /** true when enough postings were added since the last compaction to make one worth it */
  get wantsCompaction(): boolean {
    return this.vals.length >= 4096 && this.vals.length * 4 >= this.packed.length;
  }

  /**
   * Move every key's postings into one contiguous run (postings of records
   * `isDead` says are gone are dropped). Amortised O(1) per posting: called
   * when the tail reaches a quarter of the packed store.
   */
  compact(isDead: (value: number) => boolean = () => false): void {
    const cap = this.keys.length;
    let total = 0;
    for (let i = 0; i < cap; i++) if (this.keys[i] !== 0) total += this.counts[i];
    let out = new Int32Array(total);
    const old = this.packed;
    const next = this.next.data, vals = this.vals.data;
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
    this.packed = out;
    this.next.length = 0;
    this.vals.length = 0;
    this.next.shrink(1 << 12);
    this.vals.shrink(1 << 12);
  }

  /** postings count of a key (0 when absent) */
  count(key: number): number {
    const s = this.slot(key);
    return this.keys[s] === 0 ? 0 : this.counts[s];
  }

  /** head of the key's tail list (postings since the last compaction) */
  head(key: number): number {
    const s = this.slot(key);
    return this.keys[s] === 0 ? -1 : this.heads[s];
  }
  headAt(slot: number): number {
    return this.keys[slot] === 0 ? -1 : this.heads[slot];
  }
  countAt(slot: number): number {
    return this.keys[slot] === 0 ? 0 : this.counts[slot];
  }
  /** start of the key's compacted run in `packed` */
  packedStartAt(slot: number): number {
    return this.packedStart[slot];
  }
  packedCountAt(slot: number): number {
    return this.keys[slot] === 0 ? 0 : this.packedCount[slot];
  }

  /** all postings of a key (tests, diagnostics) */
  values(key: number): number[] {
    const s = this.slot(key);
    if (this.keys[s] === 0) return [];
    const out: number[] = [];
    for (let p = this.heads[s]; p >= 0; p = this.next.data[p]) out.push(this.vals.data[p]);
    const a = this.packedStart[s];
    for (let k = a + this.packedCount[s] - 1; k >= a; k--) out.push(this.packed[k]);
    return out;
  }

  dump(w: ChunkWriter, name: string): void {
    w.ints(`${name}.keys`, this.keys.slice());
    w.ints(`${name}.heads`, this.heads.slice());
    w.ints(`${name}.counts`, this.counts.slice());
    w.ints(`${name}.packedStart`, this.packedStart.slice());
    w.ints(`${name}.packedCount`, this.packedCount.slice());
    w.ints(`${name}.packed`, this.packed.slice());
    w.ints(`${name}.next`, this.next.copy());
    w.ints(`${name}.vals`, this.vals.copy());
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
    this.packed = r.ints(`${name}.packed`);
    this.next.load(r.ints(`${name}.next`));
    this.vals.load(r.ints(`${name}.vals`));
    this.used = r.json<{ used: number }>(`${name}.meta`).used;
  }

  get distinctKeys(): number {
    return this.used;
  }
  get postings(): number {
    return this.vals.length + this.packed.length;
  }
  get bytes(): number {
    return this.keys.byteLength * 5 + this.packed.byteLength + this.next.byteLength + this.vals.byteLength;
  }
}

/** evidence family of a query key, one bit each (a record's families so far fit one byte) */
export enum KeyFamily { Name = 1, Parents = 2, Place = 4, Birth = 8 }

/** keys of a query record with the evidence family of each (same order) */
export interface BlockingKeys {
  keys: number[];
  families: Uint8Array;
}

function familyOf(key: string): KeyFamily {
  switch (key.slice(0, 2)) {
    case 'NM': case 'MF': case 'MY': return KeyFamily.Parents;
    case 'NP': return KeyFamily.Place;
    default: return key[0] === 'D' ? KeyFamily.Birth : KeyFamily.Name;
  }
}

const BAND = 36; // months
const QUERY_SLACK = 30; // months either side at query time

/** Builds the blocking keys of a prepared record. */
export class KeyMaker {
  private readonly codeCache: number[][] = [];
  /**
   * `fatherNamePairs`: file the first name paired with the father's names under NN (false = as
   * before kinlink-fs-1.3.0; A/B measurements)
   */
  constructor(readonly lex: Lexicon, readonly pool: StringPool, readonly fatherNamePairs = true) {}

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
    for (let i = 0; i < keys.length; i++) families[i] = fams.get(keys[i])!;
    return { keys, families };
  }

  keys(p: Prepared, query: boolean, debug?: Map<number, string>, families?: Map<number, KeyFamily>): number[] {
    const set = new Set<number>();
    const add = debug || families
      ? (s: string) => {
        const h = hash32(s);
        set.add(h);
        debug?.set(h, s);
        // a hash shared by two families (a collision) keeps the first one's
        if (families && !families.has(h)) families.set(h, familyOf(s));
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
    const motherCodes = p.mother ? this.firstCodes(p.mother) : [];
    const fatherCodes = p.father ? this.firstCodes(p.father) : [];
    if (this.fatherNamePairs && p.father) {
      // patronymic naming (Arabic, Somali, Tigrinya, Pashto): one record writes the child as
      // "Muhammad Adil" (Adil = the father), another as "Muhammad Sahhaf" with father "Adil
      // Hosayn": the father's given name (and his second name, the grandfather's) paired with the
      // child's first name meets the other record's NN key when the child's name pair alone
      // shares only a very common given name
      const ft = p.father.all.length > 0 ? p.father.all : p.father.orig;
      for (let i = 0; i < ft.length && i < 2; i++) {
        for (const f of this.codes(ft[i])) for (const a of firstCodes) {
          if (a !== f) add(a < f ? `NN${a}.${f}` : `NN${f}.${a}`);
        }
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
