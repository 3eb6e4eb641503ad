/**
 * MatchingEngine: the in-memory candidate index plus Fellegi–Sunter scoring
 * used by the `matching` service on every created/updated record.
 *
 * Records are kept in compact form (one Int32 heap slice per record, interned
 * strings, token ids); the blocking index is an Int32 hash table over linked
 * posting lists (see blocking.ts). Removing or replacing a record tombstones
 * its old slot; postings of dead slots are skipped at query time.
 */
import { Comparer, Comparison, NFIELDS } from './compare';
import { CountTable, Lexicon } from './lexicon';
import { F, FIELDS, MatchModel, loadModel, noneOddsOf, oneToOneAt } from './model';
import { BirthKind, CUT_BIRTH_BASE, CUT_HAS_BIRTH, CUT_SEX, CUT_SPILLED, HEAP_BIRTH_HI, HEAP_BIRTH_LO, Prepared, Preparer, SlotSource, cutFacts, decode, encode, RecordDecoder, firstToken, slotSource, slotSourceAt } from './prepare';
import { BlockingKeys, CompactionMode, KeyMaker, PostingIndex } from './blocking';
import { IntVec, StringPool, TextHeap, kthLargest } from './util';
import { IdIndex } from './idindex';
import { VariantTable, defaultVariantTable } from './text/variants';
import { TEXT_RULES } from './text/normalise';
import { DEFAULT_MODEL_JSON } from './model/default-model';
import { NAME_EVIDENCE_MODEL_JSON } from './model/name-evidence-model';
import { ChunkReader, ChunkWriter, EngineSnapshot, SNAPSHOT_FORMAT_VERSION, SnapshotCorruptError, SnapshotVersionError } from './snapshot';
import {
  FieldComparison, MatchCandidate, MatchKind, MatchOptions, MatchRecord, NameSearchHit, NameSearchQuery, RecordSide,
} from './types';

/** `MatchingEngine.slots`: words per record slot and what each holds (see there) */
const SLOT_WORDS = 8, SLOT_FACTS = 1, SLOT_VOTES = 2, SLOT_FAMILIES = 3, SLOT_MOTHER = 4, SLOT_FATHER = 5, SLOT_ORIGIN = 6;
const SLOT_REMOVED = 1 << 31;

export interface EngineOptions {
  model?: MatchModel;
  /** probability at or above which a pair is proposed (default: the model's) */
  proposalThreshold?: number;
  /** most candidate records scored per side and query (default 600) */
  maxCandidates?: number;
  /** blocks (keys) with more postings than this are skipped (default 2500) */
  blockCap?: number;
  /** most postings visited per side and query, smallest blocks first (default 40000) */
  postingBudget?: number;
  /** name-variant table (default: the shipped one) */
  variants?: VariantTable;
  /** treat YYYY-01-01 as a year-only placeholder (default true) */
  janFirstIsYearOnly?: boolean;
  /** competing candidates share the evidence, one-to-one (default true; false = pair by pair, as before 1.2.0) */
  competingCandidates?: boolean;
  /**
   * the rivals of the candidate's own side compete too (default true since kinlink-fs-1.3.0; false = the
   * query's side only, as in 1.2.0): a pair's probability no longer depends on which of its two records asks
   */
  competingFromBothSides?: boolean;
  /** blocking: the child's first name paired with its father's names as name-pair keys (default true since kinlink-fs-1.3.0) */
  fatherNameKeys?: boolean;
  /**
   * blocking: the first name's phonetic skeleton, with any one letter left out, and the first two
   * names joined, × birth band (ND keys; default true since 2026-12-08)
   */
  skeletonKeys?: boolean;
  /** blocking: the father's names × birth band, also against the other record's names (FY keys; default true since 2026-12-08) */
  fatherBandKeys?: boolean;
  /** blocking: the largest block of an ND or FY key (or a query's father under NY) that is visited (default 500) */
  narrowBlockCap?: number;
  /**
   * blocking: weight of a key's vote for a record that a key of the same evidence family (name,
   * parents, place, date of birth) has already voted for (default 0.25; 1 = every key counts in
   * full, as before)
   */
  repeatFamilyVote?: number;
  /**
   * posting store upkeep (default 'incremental': a few keys per upsert migrate into a new packed
   * array; 'whole' = the whole side at once at each compaction point, a stall of ≈ 1 s at 1M
   * records; same answers either way)
   */
  compaction?: CompactionMode;
}

let defaultModel: MatchModel | null = null;
/** The shipped, versioned default model. */
export function defaultMatchModel(): MatchModel {
  if (!defaultModel) defaultModel = loadModel(DEFAULT_MODEL_JSON);
  return defaultModel;
}

let nameModel: MatchModel | null = null;
/**
 * The model for decisions on names alone with their own thresholds (safeguarding restrictions, the
 * admin name search): versioned apart from the matching model, so a refit of the latter does not
 * move them (model/name-evidence-model.ts).
 */
export function nameEvidenceModel(): MatchModel {
  if (!nameModel) nameModel = loadModel(NAME_EVIDENCE_MODEL_JSON);
  return nameModel;
}

const log2odds = (p: number) => Math.log2(p / (1 - p));
const sigmoid2 = (s: number) => (s > 60 ? 1 : s < -60 ? 0 : 1 / (1 + Math.pow(2, -s)));
/** log2 odds of a probability, clamped away from 0 and 1 */
const logit2 = (p: number) => {
  const q = Math.min(1 - 1e-15, Math.max(1e-15, p));
  return Math.log2(q / (1 - q));
};

interface Scored {
  n: number;
  c: Prepared;
  kind: MatchKind;
  probability: number;
  score: number;
  sibling: boolean;
  /** the competing hypothesis' score (sibling score for same-child, and vice versa) */
  rival: number;
  prior: number;
  pSame: number;
  pSib: number;
  /** P(same child) of the pair alone, before competing candidates (= pSame when not applied) */
  pSameAlone: number;
  /** Σ posterior odds of the rival candidates of the same kind */
  rivals: number;
}

/** a scored candidate of one kind, before the one-to-one adjustment */
interface Contender {
  n: number;
  /** the record, once decoded to outlive its scoring (`contenderRecord`) */
  c: Prepared | null;
  pSame: number;
  pSameAlone: number;
  pSib: number;
  s: number;
  ss: number;
  /** Σ posterior odds of the rival candidates */
  rivals?: number;
}
/** candidates at least this likely alone are checked for being one child with each other */
const STRONG_CONTENDER = 0.05;
const MAX_STRONG = 8;
/**
 * two candidates the same-side model confidently calls one child (two relatives' requests, a
 * duplicate registration) do not compete; look-alikes that merely share a common name do
 */
const ONE_CHILD = 0.9;
/**
 * Both sides of a pair: a candidate at least this likely after its query's rivals also meets its
 * own rivals (the records on the query's side that look like it) — at most MAX_REVERSE candidates
 * per side and query, each looking at its REVERSE_CANDIDATES best-supported records among
 * REVERSE_POSTINGS postings (the rivals that carry odds are the look-alikes blocking ranks first;
 * a full second query would cost 600 comparisons over up to 40,000 postings).
 */
const REVERSE_FLOOR = 0.1;
const MAX_REVERSE = 2;
const REVERSE_CANDIDATES = 100;
/** postings visited for a candidate's rivals, smallest blocks first (a query side may visit 40,000) */
const REVERSE_POSTINGS = 10000;

/**
 * How many of `sorted` (strongest first) to keep, at most `max`: a group of candidates tied at the
 * boundary is kept whole or dropped whole, so the choice does not depend on the candidates' order
 * (a restored snapshot and a full load list them in different orders; identical records tie).
 */
function strongestWithoutSplitTies(sorted: ReadonlyArray<{ pSame: number }>, max: number): number {
  if (sorted.length <= max) return sorted.length;
  let keep = max;
  while (keep > 0 && sorted[keep].pSame === sorted[keep - 1].pSame) keep--;
  return keep;
}

export class MatchingEngine {
  private model: MatchModel;
  readonly lexicon: Lexicon;
  readonly pool = new StringPool();
  private readonly preparer: Preparer;
  private readonly comparer: Comparer;
  private readonly keyMaker: KeyMaker;
  private readonly proposalThreshold: number;
  private readonly blockCap: number;
  private readonly postingBudget: number;
  /** the largest block of a narrow key (ND, FY) that gather visits: see BlockingKeys.narrow (mutable for A/B measurements) */
  narrowBlockCap: number;

  /** external ids ↔ internal record numbers (compact) */
  private readonly idIndex = new IdIndex();
  /** number of internal record slots ever allocated (removed ones included) */
  private nSlots = 0;
  private readonly offsets = new IntVec(1024);
  private readonly alive = new IntVec(1024);
  /**
   * Per record slot, eight words side by side (32 bytes), so that a posting's vote touches one cache
   * line (at 1M records per-record arrays no longer fit in cache, and separate arrays cost a miss
   * each): the gather that last touched the record (epoch), its cut facts (`cutFacts`, negative once
   * the record is removed), its vote total (a float32, through `slotVotes`), the evidence families
   * that voted for it, and what the cut compares besides age and sex: the codes of the mother's and
   * the father's first names and the admin-1 P-code of origin (-1 unknown). Derived from the
   * records: not in snapshots (rebuilt on restore).
   */
  private slots = new Int32Array(SLOT_WORDS * 1024);
  private slotVotes = new Float32Array(this.slots.buffer);
  private readonly heap = new IntVec(1 << 16);
  /** display strings of stored records */
  private readonly text = new TextHeap();
  /** display strings of the record being matched (reset per call) */
  private readonly scratch = new TextHeap();
  private readonly indexes: [PostingIndex, PostingIndex];
  private readonly isDead = (r: number): boolean => this.alive.data[r] === 0;
  private readonly counts = [0, 0];
  private readonly pcodes = new CountTable();
  private epoch = 0;
  private readonly cmp = new Comparison();
  /** what the prepared records depend on besides the code (checked on restore) */
  private readonly prepKey: string;

  constructor(options: EngineOptions = {}) {
    this.model = options.model ?? defaultMatchModel();
    this.lexicon = new Lexicon(options.variants ?? defaultVariantTable());
    this.preparer = new Preparer(this.lexicon, this.pool, { janFirstIsYearOnly: options.janFirstIsYearOnly ?? true });
    this.comparer = new Comparer(this.lexicon, this.pool, this.model);
    this.comparer.pcodeAdjust = (code) => this.pcodes.adjustment(code, this.model.tf.maxAdjustment, this.model.tf.minPopulation);
    this.comparer.inferAdmin1 = (tokens) => this.inferAdmin1(tokens);
    this.keyMaker = new KeyMaker(this.lexicon, this.pool, options.fatherNameKeys ?? true, options.skeletonKeys ?? true, options.fatherBandKeys ?? true);
    const compaction = options.compaction ?? 'incremental';
    this.indexes = [new PostingIndex(undefined, compaction), new PostingIndex(undefined, compaction)];
    this.proposalThreshold = options.proposalThreshold ?? this.model.proposalThreshold;
    this.maxCandidates = options.maxCandidates ?? 600;
    this.blockCap = options.blockCap ?? 2500;
    this.postingBudget = options.postingBudget ?? 40000;
    this.narrowBlockCap = options.narrowBlockCap ?? 500;
    this.repeatFamilyVote = options.repeatFamilyVote ?? 0.25;
    this.competing = options.competingCandidates ?? true;
    this.bothSides = options.competingFromBothSides ?? true;
    this.prepKey = `janFirstIsYearOnly=${options.janFirstIsYearOnly ?? true};variants=${this.lexicon.variants.size}` +
      (options.fatherNameKeys === false ? ';fatherNameKeys=false' : '') +
      // the stored records' keys and tokens: a snapshot filed under other keys, or tokenised and folded
      // by other rules (TEXT_RULES), is rebuilt, not restored
      `;keys=${options.skeletonKeys === false ? '' : 'ND'}${options.fatherBandKeys === false ? '' : 'FY'};text=${TEXT_RULES}`;
  }

  // ---------------------------------------------------------- snapshot ---

  /**
   * The index as binary chunks (see snapshot.ts): records, dictionaries, posting and id tables and
   * term-frequency counts as they are. What changes in place is copied; what is only appended
   * (records, their text, ids) is shared up to its current length. Either way the snapshot stays
   * as it was taken while the engine goes on changing, so it may be written out meanwhile.
   */
  snapshot(): EngineSnapshot {
    const w = new ChunkWriter();
    w.json('engine.meta', {
      nSlots: this.nSlots, counts: [this.counts[0], this.counts[1]], prepKey: this.prepKey,
      pcodes: { n: this.pcodes.n, sumSq: this.pcodes.sumSq },
    });
    w.json('pool', this.pool.values);
    this.lexicon.dump(w);
    w.ints('pcodes.counts', this.pcodes.counts.copy());
    const gz: number[] = [];
    for (const [f, e] of this.gazetteer) {
      gz.push(f, e.size);
      for (const [a, n] of e) gz.push(a, n);
    }
    w.ints('gazetteer', Int32Array.from(gz));
    this.idIndex.dump(w);
    // records are only ever appended (a replaced or removed one is flagged in `alive`, copied):
    // the heap, its offsets and the text heap are shared, not copied — most of the bytes
    w.ints('records.offsets', this.offsets.appendOnlyView());
    w.ints('records.alive', this.alive.copy());
    w.ints('records.heap', this.heap.appendOnlyView());
    w.bytes('records.text', this.text.appendOnlyView());
    // a migration half done is finished first: the snapshot keeps the one-array layout
    for (const idx of this.indexes) idx.finishMigration(this.isDead);
    this.indexes[0].dump(w, 'postings.child');
    this.indexes[1].dump(w, 'postings.sought');
    return { formatVersion: SNAPSHOT_FORMAT_VERSION, modelVersion: this.model.modelVersion, chunks: w.chunks };
  }

  /**
   * An engine rebuilt from a snapshot, without re-preparing records; `options` as for the
   * constructor (thresholds may differ; the model, variant table and date rules must be the
   * snapshot's). Throws SnapshotVersionError for another format or model version. `adopt`: the
   * engine takes the chunks' memory over instead of copying it (the snapshot must not be used again).
   */
  static restore(snapshot: EngineSnapshot, options: EngineOptions = {}, { adopt = false }: { adopt?: boolean } = {}): MatchingEngine {
    const engine = new MatchingEngine(options);
    if (snapshot.formatVersion !== SNAPSHOT_FORMAT_VERSION) throw new SnapshotVersionError('format', snapshot.formatVersion, SNAPSHOT_FORMAT_VERSION);
    if (snapshot.modelVersion !== engine.modelVersion) throw new SnapshotVersionError('model', snapshot.modelVersion, engine.modelVersion);
    engine.load(new ChunkReader(snapshot.chunks, adopt));
    return engine;
  }

  private load(r: ChunkReader): void {
    const meta = r.json<{ nSlots: number; counts: [number, number]; prepKey: string; pcodes: { n: number; sumSq: number } }>('engine.meta');
    if (meta.prepKey !== this.prepKey) throw new SnapshotVersionError('options', meta.prepKey, this.prepKey);
    this.pool.load(r.json<string[]>('pool'));
    this.lexicon.load(r);
    this.pcodes.counts.load(r.ints('pcodes.counts'));
    this.pcodes.n = meta.pcodes.n;
    this.pcodes.sumSq = meta.pcodes.sumSq;
    const gz = r.ints('gazetteer');
    for (let i = 0; i < gz.length;) {
      const f = gz[i++], k = gz[i++];
      const e = new Map<number, number>();
      for (let j = 0; j < k; j++, i += 2) e.set(gz[i], gz[i + 1]);
      this.gazetteer.set(f, e);
    }
    this.admin1OfFold.clear();
    this.idIndex.load(r);
    this.offsets.load(r.ints('records.offsets'));
    this.alive.load(r.ints('records.alive'));
    this.heap.load(r.ints('records.heap'));
    this.text.load(r.bytes('records.text'));
    this.indexes[0].load(r, 'postings.child');
    this.indexes[1].load(r, 'postings.sought');
    // (a scan of every posting for those of removed records: none to find when no record was removed)
    if (meta.nSlots > meta.counts[0] + meta.counts[1]) for (const idx of this.indexes) idx.afterLoad(this.isDead);
    if (this.offsets.length !== meta.nSlots || this.alive.length !== meta.nSlots) throw new SnapshotCorruptError('engine snapshot: record tables do not match');
    this.ensureSlots(meta.nSlots);
    for (let n = 0; n < meta.nSlots; n++) {
      this.fillSlot(n, slotSourceAt(this.heap.data, this.offsets.data[n], this.slotSrc));
      if (this.alive.data[n] === 0) this.slots[n * SLOT_WORDS + SLOT_FACTS] |= SLOT_REMOVED;
    }
    this.nSlots = meta.nSlots;
    this.counts[0] = meta.counts[0];
    this.counts[1] = meta.counts[1];
  }

  /** pairs compared by match() since the engine was created (a count-based cost figure for benchmarks) */
  pairsScored = 0;

  /**
   * Before the cut, votes also move by the parents' first names and the admin-1 area of origin
   * (the key votes see those only through blocks small enough to visit): of the order of the age
   * adjustment, below one key's vote; switchable for measurements.
   */
  cutEvidence = { parentAgrees: 3, parentDisagrees: -1, originAgrees: 2, originDisagrees: -1 };
  /** EngineOptions.maxCandidates; switchable for A/B measurements */
  maxCandidates: number;
  /** EngineOptions.repeatFamilyVote; switchable for A/B measurements */
  repeatFamilyVote: number;
  /** the one-to-one adjustment (EngineOptions.competingCandidates); switchable for A/B measurements */
  competing: boolean;
  /** rivals from the candidate's side too (EngineOptions.competingFromBothSides); switchable for A/B */
  bothSides: boolean;

  get modelVersion(): string {
    return this.model.modelVersion;
  }

  /** the proposal threshold in use */
  get threshold(): number {
    return this.proposalThreshold;
  }

  /** Swap the model (e.g. after re-estimation); the index is unaffected. */
  setModel(model: MatchModel): void {
    this.model = model;
    this.comparer.model = model;
  }

  get size(): { child: number; sought: number } {
    return { child: this.counts[0], sought: this.counts[1] };
  }

  // ------------------------------------------------------------- index ---

  /** Prepare a record that is not being stored: its display strings go to the scratch heap. */
  private prepQuery(r: MatchRecord, keepScratch = false): Prepared {
    if (!keepScratch) this.scratch.reset();
    this.preparer.text = this.scratch;
    return this.preparer.prepare(r);
  }

  private countRecord(p: Prepared, delta: 1 | -1): void {
    const lex = this.lexicon;
    const firsts = new Set<number>();
    const t0 = p.name.all[0];
    if (t0 !== undefined) firsts.add(lex.tfFold(t0));
    if (p.name.orig[0] !== undefined) firsts.add(lex.tfFold(p.name.orig[0]));
    for (const f of firsts) lex.first.add(f, delta);
    lex.first.n += delta;
    const any = new Set<number>();
    for (const a of [p.name.all, p.name.orig]) for (const t of a) any.add(lex.tfFold(t));
    for (const f of any) lex.any.add(f, delta);
    lex.any.n += delta;
    for (const par of [p.mother, p.father]) {
      if (!par) continue;
      const t = firstToken(par);
      if (t === undefined) continue;
      lex.parent.add(lex.tfFold(t), delta);
      lex.parent.n += delta;
    }
    const codes = new Set<number>();
    if (p.origin && p.origin.pcode >= 0) codes.add(p.origin.pcode);
    if (p.separation && p.separation.pcode >= 0) codes.add(p.separation.pcode);
    for (const c of codes) this.pcodes.add(c, delta);
    this.pcodes.n += delta;
    // learned gazetteer: which admin-1 area do place-name tokens denote?
    for (const pl of [p.origin, p.separation]) {
      if (!pl || pl.pcode < 0 || pl.text.length === 0) continue;
      const a1 = this.comparer.admin1Of(pl);
      if (a1 < 0) continue;
      for (const t of pl.text) {
        const f = lex.tokFold.data[t];
        let e = this.gazetteer.get(f);
        if (!e) this.gazetteer.set(f, (e = new Map()));
        e.set(a1, Math.max(0, (e.get(a1) ?? 0) + delta));
        if (this.admin1OfFold.size > 0) this.admin1OfFold.clear();
      }
    }
  }

  private readonly gazetteer = new Map<number, Map<number, number>>();
  /**
   * what the gazetteer says of a folded place token: its admin-1 area, or -1 (none clear enough);
   * every scored pair with place names asks again, so kept until the gazetteer changes
   */
  private readonly admin1OfFold = new Map<number, number>();
  private inferAdmin1(tokens: number[]): number {
    for (const t of tokens) {
      const f = this.lexicon.tokFold.data[t];
      let a1 = this.admin1OfFold.get(f);
      if (a1 === undefined) {
        a1 = -1;
        const e = this.gazetteer.get(f);
        if (e) {
          let best = -1, bestN = 0, total = 0;
          for (const [a, n] of e) {
            total += n;
            if (n > bestN) { bestN = n; best = a; }
          }
          if (total >= 3 && bestN >= 0.7 * total) a1 = best;
        }
        this.admin1OfFold.set(f, a1);
      }
      if (a1 >= 0) return a1;
    }
    return -1;
  }

  /** Add a record to the candidate index, or replace the stored version. */
  upsert(record: MatchRecord): void {
    if (!record || typeof record.id !== 'string' || !record.id) throw new Error('upsert: record.id required');
    if (record.side !== 'child' && record.side !== 'sought') throw new Error(`upsert: bad side ${String(record.side)}`);
    this.remove(record.id);
    this.preparer.text = this.text;
    const p = this.preparer.prepare(record);
    const n = this.nSlots++;
    this.idIndex.add(record.id, n);
    this.offsets.push(encode(p, this.heap));
    this.alive.push(1);
    this.ensureSlots(n + 1);
    this.fillSlot(n, slotSource(p, this.slotSrc));
    const keys = this.keyMaker.keys(p, false);
    const idx = this.indexes[p.side];
    for (const k of keys) idx.add(k, n);
    idx.maintain(this.isDead);
    this.counts[p.side]++;
    this.countRecord(p, 1);
  }

  /** Remove a record from the index (no-op when unknown). */
  remove(id: string): void {
    const n = this.idIndex.get(id);
    if (n === undefined) return;
    this.idIndex.delete(id);
    if (this.alive.data[n] === 0) return;
    this.alive.data[n] = 0;
    this.slots[n * SLOT_WORDS + SLOT_FACTS] |= SLOT_REMOVED;
    const p = decode(this.heap.data, this.offsets.data[n], this.text);
    // its keys' counts drop at the next compaction point (incremental mode needs to know which keys)
    const idx = this.indexes[p.side];
    if (idx.mode === 'incremental') idx.removed(this.keyMaker.keys(p, false), n);
    this.counts[p.side]--;
    this.countRecord(p, -1);
  }

  private ensureSlots(n: number): void {
    if (n * SLOT_WORDS <= this.slots.length) return;
    const grown = new Int32Array(Math.ceil(Math.max(n * 1.5, 1024)) * SLOT_WORDS);
    grown.set(this.slots);
    this.slots = grown;
    this.slotVotes = new Float32Array(grown.buffer);
  }

  private fillSlot(n: number, src: SlotSource): void {
    const i = n * SLOT_WORDS;
    this.slots[i + SLOT_FACTS] = cutFacts(src.sex, src.birthKind, src.birthLo, src.birthHi);
    this.slots[i + SLOT_MOTHER] = this.parentCode(src.motherFirst);
    this.slots[i + SLOT_FATHER] = this.parentCode(src.fatherFirst);
    this.slots[i + SLOT_ORIGIN] = this.originCode(src.originPcode);
  }
  private readonly slotSrc = {} as SlotSource;

  /** a parent's first name (its first token, -1 none) as the cut compares it: its variant group's phonetic code, else its own */
  private parentCode(firstTok: number): number {
    if (firstTok < 0) return -1;
    const codes = this.keyMaker.codes(firstTok);
    return codes.length > 1 ? codes[1] : codes[0];
  }

  /** admin-1 P-code of origin (pool id), from a recorded P-code only — a place inferred from text
   * depends on what the index has learned, and a restored index must cut as the original did */
  private originCode(pcode: number): number {
    return pcode >= 0 ? this.comparer.admin1OfPcode(pcode) : -1;
  }

  has(id: string): boolean {
    return this.idIndex.has(id);
  }

  /**
   * Candidate retrieval: every key's block (smallest first, oversize blocks
   * skipped) votes for its records with the key's selectivity
   * (log2 of side size / block size); a record's second and later votes from
   * one evidence family count `repeatFamilyVote` of that (the name keys of one
   * token are one piece of evidence, a shared mother's name or place another);
   * the `maxCandidates` records with the most evidence are scored.
   */
  private gather(bk: BlockingKeys, side: number, out: number[], q?: Prepared, limit = this.maxCandidates, wholeTies = false, postingBudget = this.postingBudget): void {
    const idx = this.indexes[side];
    const sized = this.sized;
    sized.length = 0;
    const { keys, families, narrow } = bk;
    const narrowCap = this.narrowBlockCap;
    for (let i = 0; i < keys.length; i++) {
      const s = idx.slot(keys[i]);
      const c = idx.countAt(s);
      // count-major, then slot and family (4 bits) in the low 32: sort numbers, not tuples
      // (a posting table of 2^28 slots would be 5 GiB: slot * 16 stays below 2^32)
      if (c > 0 && (c <= narrowCap || narrow[i] === 0)) sized.push(c * 4294967296 + (s >>> 0) * 16 + families[i]);
    }
    sized.sort((a, b) => a - b);
    const slots = this.slots, votes = this.slotVotes;
    const repeat = this.repeatFamilyVote;
    const epoch = ++this.epoch;
    // a key's arrays are those of its generation (mid-migration, keys not yet migrated are in the other one)
    const gen = idx.generation;
    const genPacked = idx.packedOf(gen), next = idx.nextOf(gen), vals = idx.valsOf(gen);
    const N = Math.max(2, this.counts[side]);
    const touched = this.touched;
    touched.length = 0;
    let oversize = -1;
    let budget = postingBudget;
    for (const sc of sized) {
      const c = Math.floor(sc / 4294967296);
      const low = sc % 4294967296;
      const f = low & 15;
      const slot = low >>> 4;
      if (c > this.blockCap || c > budget) {
        if (oversize < 0) oversize = slot;
        continue;
      }
      budget -= c;
      const w = Math.log2((N + 1) / c);
      const wr = w * repeat;
      let packed = genPacked;
      let a = idx.packedStartAt(slot), b = a + idx.packedCountAt(slot), head = idx.headAt(slot);
      if (idx.genAt(slot) !== gen) {
        // not yet migrated: its tail holds postings from both sides of the compaction point; visit
        // them in the order of a compacted key (the candidates' order must not depend on the migration)
        a = 0;
        b = idx.inCompactedOrder(slot, this.unmigrated);
        packed = this.unmigrated.data;
        head = -1;
      }
      for (let p = a; p < b; p++) {
        const r = packed[p];
        const i = r * SLOT_WORDS;
        if (slots[i] !== epoch) {
          slots[i] = epoch;
          if (slots[i + SLOT_FACTS] < 0) { votes[i + SLOT_VOTES] = -1e9; continue; } // removed
          votes[i + SLOT_VOTES] = w;
          slots[i + SLOT_FAMILIES] = f;
          touched.push(r);
        } else if ((slots[i + SLOT_FAMILIES] & f) !== 0) votes[i + SLOT_VOTES] += wr;
        else { votes[i + SLOT_VOTES] += w; slots[i + SLOT_FAMILIES] |= f; }
      }
      for (let p = head; p >= 0; p = next[p]) {
        const r = vals[p];
        const i = r * SLOT_WORDS;
        if (slots[i] !== epoch) {
          slots[i] = epoch;
          if (slots[i + SLOT_FACTS] < 0) { votes[i + SLOT_VOTES] = -1e9; continue; }
          votes[i + SLOT_VOTES] = w;
          slots[i + SLOT_FAMILIES] = f;
          touched.push(r);
        } else if ((slots[i + SLOT_FAMILIES] & f) !== 0) votes[i + SLOT_VOTES] += wr;
        else { votes[i + SLOT_VOTES] += w; slots[i + SLOT_FAMILIES] |= f; }
      }
    }
    if (touched.length === 0 && oversize !== -1) {
      // every key is a giant block (a very common name and nothing else): newest records of the smallest
      // (tail then run, newest first, whichever generation the key is in)
      const g = idx.genAt(oversize);
      const next = idx.nextOf(g), vals = idx.valsOf(g), packed = idx.packedOf(g);
      for (let p = idx.headAt(oversize); p >= 0 && touched.length < limit; p = next[p]) {
        const r = vals[p];
        const i = r * SLOT_WORDS;
        if (slots[i] === epoch || slots[i + SLOT_FACTS] < 0) continue;
        slots[i] = epoch;
        votes[i + SLOT_VOTES] = 0;
        touched.push(r);
      }
      const a = idx.packedStartAt(oversize);
      for (let p = a + idx.packedCountAt(oversize) - 1; p >= a && touched.length < limit; p--) {
        const r = packed[p];
        const i = r * SLOT_WORDS;
        if (slots[i] === epoch || slots[i + SLOT_FACTS] < 0) continue;
        slots[i] = epoch;
        votes[i + SLOT_VOTES] = 0;
        touched.push(r);
      }
    }
    const T = touched.length;
    if (T > limit) {
      // key votes are blind to age and sex; before the cut, move records whose birth estimate or
      // sex contradicts the query's down (and a compatible birth up) — the weights of the same
      // order as the model's birth/sex levels — so common names keep their true partner in the cut
      // (the votes are copied out in touched order: the loops below then read them sequentially)
      if (this.voteBuf.length < T) { this.voteBuf = new Float32Array(T * 2); this.selectBuf = new Float32Array(T * 2); }
      const tv = this.voteBuf, sel = this.selectBuf;
      const heap = this.heap.data, offs = this.offsets.data;
      const qLo = q?.birthLo ?? 0, qHi = q?.birthHi ?? 0, qb = q !== undefined && q.birthKind !== BirthKind.None, qs = q?.sex ?? 0;
      const src = q ? slotSource(q, this.slotSrc) : undefined;
      const qm = src ? this.parentCode(src.motherFirst) : -1, qf = src ? this.parentCode(src.fatherFirst) : -1, qo = src ? this.originCode(src.originPcode) : -1;
      const ev = this.cutEvidence;
      const adjust = qb || qs > 0, parents = qm >= 0 || qf >= 0 || qo >= 0;
      for (let t = 0; t < T; t++) {
        const r = touched[t];
        const i = r * SLOT_WORDS;
        let v = votes[i + SLOT_VOTES];
        if (adjust) {
          const w = slots[i + SLOT_FACTS];
          const sx = w & CUT_SEX;
          // each step rounded to float32, as the vote total is stored
          if (qs > 0 && sx > 0 && sx !== qs) v = Math.fround(v - 4);
          if (qb && (w & CUT_HAS_BIRTH) !== 0) {
            let lo: number, hi: number;
            if ((w & CUT_SPILLED) !== 0) { const o = offs[r]; lo = heap[o + HEAP_BIRTH_LO]; hi = heap[o + HEAP_BIRTH_HI]; }
            else { lo = CUT_BIRTH_BASE + ((w >>> 5) & 8191); hi = lo + ((w >>> 18) & 4095); }
            const gap = Math.max(lo, qLo) - Math.min(hi, qHi);
            v = Math.fround(v + (gap <= 0 ? 1 : gap <= 12 ? 0 : gap <= 24 ? -2 : gap <= 48 ? -4 : -6));
          }
        }
        if (parents) {
          // the key votes see parents' names and places only through blocks small enough to visit
          const m = slots[i + SLOT_MOTHER], f = slots[i + SLOT_FATHER], o = slots[i + SLOT_ORIGIN];
          if (qm >= 0 && m >= 0) v = Math.fround(v + (m === qm ? ev.parentAgrees : ev.parentDisagrees));
          if (qf >= 0 && f >= 0) v = Math.fround(v + (f === qf ? ev.parentAgrees : ev.parentDisagrees));
          if (qo >= 0 && o >= 0) v = Math.fround(v + (o === qo ? ev.originAgrees : ev.originDisagrees));
        }
        tv[t] = v;
        sel[t] = v;
      }
      // keep the maxCandidates best-supported records: the boundary value by quickselect (a sort of
      // 10⁴–10⁵ vote totals per gather cost more than the scoring itself)
      const cut = kthLargest(sel, T, limit);
      // records tied at the cut: newest first, by record number — not in posting order, which
      // differs between a compacted index and one still holding tails (a restored snapshot and a
      // full load must answer alike)
      let above = 0, nTied = 0;
      for (let t = 0; t < T; t++) {
        const v = tv[t];
        if (v > cut) { out.push(touched[t]); above++; }
        else if (v === cut) nTied++;
      }
      const ties = limit - above;
      if (this.tiedBuf.length < nTied) this.tiedBuf = new Int32Array(nTied * 2);
      const tied = this.tiedBuf.subarray(0, nTied);
      let k = 0;
      for (let t = 0; t < T; t++) if (tv[t] === cut) tied[k++] = touched[t];
      if (wholeTies) {
        // all of the tied records or none: the same answer whatever the records' numbering
        if (nTied <= ties) for (let i = 0; i < nTied; i++) out.push(tied[i]);
        return;
      }
      if (nTied > ties) tied.sort();
      for (let i = nTied - 1; i >= nTied - ties && i >= 0; i--) out.push(tied[i]);
      return;
    }
    for (const r of touched) out.push(r);
  }
  private voteBuf = new Float32Array(1024);
  private selectBuf = new Float32Array(1024);
  private tiedBuf = new Int32Array(1024);
  private readonly sized: number[] = [];
  private readonly touched: number[] = [];
  /** gather: the postings of a key not yet migrated, in compacted order */
  private readonly unmigrated = new IntVec(1024);

  // ------------------------------------------------------------- match ---

  /** the population a pair's prior and one-to-one calibration are taken at: records stored on the candidate's side */
  private populationOf(side: number): number {
    return Math.max(this.counts[side], this.model.prior.minPopulation);
  }

  private priorFor(kind: MatchKind, side: number): number {
    const N = this.populationOf(side);
    const rate = Math.min(0.5 * N, this.model.prior[kind]);
    return log2odds(rate / N);
  }

  /** the one-to-one calibration (fitted by train.ts, per population size if the model says so) for candidates of `side`; null = none */
  private oneToOneFor(kind: MatchKind, side: number): { slope: number; intercept: number } | null {
    const cal = this.model.oneToOne;
    return cal ? oneToOneAt(cal, this.populationOf(side), kind) : null;
  }

  /**
   * Match a record against the stored population: child → sought children
   * (+ duplicate registrations), sought child → children (+ the same child in
   * other tracing requests). Never against itself; records without consent are
   * proposed only within their own agency; siblings come back as
   * 'possible-sibling'. Sorted by probability, descending.
   */
  match(record: MatchRecord, options: MatchOptions = {}): MatchCandidate[] {
    return this.matchPrepared(record.id, this.prepQuery(record), this.idIndex.get(record.id) ?? -1, options);
  }

  /**
   * `match` of a stored record as it is stored (no need to open it again): e.g. the candidates of a
   * record about to leave the index, whose open proposals it was keeping down. [] when not stored.
   */
  matchStored(id: string, options: MatchOptions = {}): MatchCandidate[] {
    const selfN = this.idIndex.get(id);
    if (selfN === undefined) return [];
    return this.matchPrepared(id, decode(this.heap.data, this.offsets.data[selfN], this.text), selfN, options);
  }

  private matchPrepared(recordId: string, q: Prepared, selfN: number, options: MatchOptions): MatchCandidate[] {
    const minP = options.minProbability ?? this.proposalThreshold;
    const limit = options.limit ?? 20;
    const keys = this.keyMaker.queryKeys(q);
    const scored: Scored[] = [];
    const cands: number[] = [];
    const sibThreshold = this.model.siblingThreshold;
    for (const side of [1 - q.side, q.side]) {
      const kind: MatchKind = side !== q.side ? 'child-sought' : q.side === 0 ? 'duplicate-child' : 'same-sought-child';
      const prior = this.priorFor(kind, side);
      const priorSib = this.priorFor('possible-sibling', side);
      cands.length = 0;
      this.gather(keys, side, cands, q);
      const group = this.contenders(q, selfN, side, kind, cands, -1);
      for (const g of group) {
        const isSib = g.pSib > g.pSame && g.pSib >= sibThreshold;
        const probability = isSib ? g.pSib : g.pSame;
        if (probability < minP) continue;
        scored.push({
          n: g.n, c: this.contenderRecord(g), kind: isSib ? 'possible-sibling' : kind, probability, score: isSib ? g.ss : g.s, sibling: isSib,
          rival: isSib ? g.s : g.ss, prior: isSib ? priorSib : prior, pSame: g.pSame, pSib: g.pSib, pSameAlone: g.pSameAlone,
          rivals: g.rivals ?? 0,
        });
      }
    }
    scored.sort((a, b) => b.probability - a.probability || b.score - a.score);
    const top = scored.slice(0, limit);
    if (options.explain === false) {
      return top.map((x) => ({
        recordId, otherId: this.idIndex.idOf(x.n), kind: x.kind, probability: x.probability,
        score: logit2(x.probability), explanation: [], modelVersion: this.model.modelVersion,
        probabilities: { sameChild: x.pSame, siblings: x.pSib, sameChildAlone: x.pSameAlone },
      }));
    }
    const explainMin = options.explainMin ?? 0;
    return top.map((x) => (x.probability >= explainMin ? this.toCandidate(recordId, q, x) : {
      recordId, otherId: this.idIndex.idOf(x.n), kind: x.kind, probability: x.probability, score: logit2(x.probability), explanation: [],
      modelVersion: this.model.modelVersion, probabilities: { sameChild: x.pSame, siblings: x.pSib, sameChildAlone: x.pSameAlone },
    }));
  }

  /**
   * The query's candidates `cands` on `side`, each scored alone, then competing from both sides
   * (one-to-one). `keep` (a record number, or -1) is scored even where the filters would skip it.
   * The contenders are reused by the next call: read them before (`contenderRecord` to keep a record).
   */
  private contenders(q: Prepared, selfN: number, side: number, kind: MatchKind, cands: number[], keep: number): Contender[] {
    const prior = this.priorFor(kind, side);
    const priorSib = this.priorFor('possible-sibling', side);
    const cmp = this.cmp;
    const group: Contender[] = [];
    for (const n of cands) {
      if (n === selfN) continue;
      const c = this.decoder.read(this.heap.data, this.offsets.data[n], this.text);
      if (n !== keep) {
        if (side === q.side && q.group !== 0 && c.group === q.group) continue; // same tracing request: known siblings
        if (q.agency !== c.agency && !(q.consent && c.consent)) continue;
      }
      this.comparer.compare(q, c, cmp);
      this.pairsScored++;
      const h = this.hypotheses(kind, prior, priorSib, cmp);
      let g = this.contenderPool[group.length];
      if (g === undefined) this.contenderPool.push((g = { n: -1, c: null, pSame: 0, pSameAlone: 0, pSib: 0, s: 0, ss: 0, rivals: 0 }));
      g.n = n;
      g.c = null;
      g.pSame = g.pSameAlone = h.pSame;
      g.pSib = h.pSib;
      g.s = h.s;
      g.ss = h.ss;
      g.rivals = 0;
      group.push(g);
    }
    this.compete(kind, side, group);
    if (this.competing && this.bothSides) this.competeFromCandidateSide(q, selfN, kind, side, group);
    return group;
  }

  /**
   * One stored pair scored as `match(query)` would score it now: the other record among the query's
   * candidates (scored even when blocking or a cut would not reach it), rivals from both sides
   * competing. For re-scoring an open proposal when a look-alike arrives or leaves, without opening
   * the records again; the query should be the record the proposal was scored from (the prior and
   * the one-to-one calibration are taken on the candidate's side). `sibling`: the pair's siblings
   * hypothesis (a possible-sibling proposal) instead of same child. Any probability, no threshold;
   * null when either record is not stored.
   */
  scorePair(queryId: string, otherId: string, options: { sibling?: boolean } = {}): MatchCandidate | null {
    const selfN = this.idIndex.get(queryId), otherN = this.idIndex.get(otherId);
    if (selfN === undefined || otherN === undefined || selfN === otherN) return null;
    const q = decode(this.heap.data, this.offsets.data[selfN], this.text);
    const side = this.heap.data[this.offsets.data[otherN]] & 1;
    const kind: MatchKind = side !== q.side ? 'child-sought' : q.side === 0 ? 'duplicate-child' : 'same-sought-child';
    const cands: number[] = [];
    this.gather(this.keyMaker.queryKeys(q), side, cands, q);
    if (!cands.includes(otherN)) cands.push(otherN);
    const g = this.contenders(q, selfN, side, kind, cands, otherN).find((x) => x.n === otherN)!;
    const sibling = options.sibling === true;
    const x: Scored = {
      n: g.n, c: this.contenderRecord(g), kind: sibling ? 'possible-sibling' : kind, probability: sibling ? g.pSib : g.pSame, score: sibling ? g.ss : g.s,
      sibling, rival: sibling ? g.s : g.ss, prior: this.priorFor(sibling ? 'possible-sibling' : kind, side),
      pSame: g.pSame, pSib: g.pSib, pSameAlone: g.pSameAlone, rivals: g.rivals ?? 0,
    };
    return this.toCandidate(queryId, q, x);
  }

  /**
   * Competing candidates (one-to-one constraint). Each pair's P(same child) is computed as if the
   * candidate were alone; but a record is the same child as at most one record of a given kind
   * (up to records that are themselves one child: two relatives' requests, a duplicate
   * registration). With a_k = posterior odds of candidate k alone,
   *   P(j is the match) = a_j / (none + a_j + Σ_{k rival of j} a_k)
   * (none = the odds that no stored record is the partner: 1, or since kinlink-fs-1.6.0 1 − the
   * kind's base rate, `noneOddsOf`) so several look-alikes (common names agreeing by chance) share the evidence instead of each
   * claiming it; a lone candidate is unchanged. k is not j's rival when the two are confidently
   * one child themselves (scored with the same-side model, for the strongest few only; weaker
   * candidates always compete).
   */
  private compete(kind: MatchKind, side: number, group: Contender[]): void {
    if (!this.competing) return;
    const none = noneOddsOf(this.model, kind);
    const odds = (p: number) => Math.min(1e12, p / Math.max(1e-12, 1 - p));
    let total = 0;
    for (const g of group) total += odds(g.pSameAlone);
    const shared = new Map<Contender, number>(); // Σ a_k over strong k that are one child with strong j
    const strong = group.length < 2 ? [] : group.filter((g) => g.pSameAlone >= STRONG_CONTENDER).sort((a, b) => b.pSameAlone - a.pSameAlone);
    strong.length = strongestWithoutSplitTies(strong.map((g) => ({ pSame: g.pSameAlone })), MAX_STRONG);
    if (strong.length >= 2) {
      const kindJK: MatchKind = side === 0 ? 'duplicate-child' : 'same-sought-child';
      const prior = this.priorFor(kindJK, side);
      const priorSib = this.priorFor('possible-sibling', side);
      const cmp = this.cmpPair;
      for (let i = 0; i < strong.length; i++) for (let j = i + 1; j < strong.length; j++) {
        const a = strong[i], b = strong[j];
        const ac = this.contenderRecord(a), bc = this.contenderRecord(b);
        // two sought children of one tracing request are known siblings: never one child
        if (side === 1 && ac.group !== 0 && ac.group === bc.group) continue;
        this.comparer.compare(ac, bc, cmp);
        this.pairsScored++;
        if (this.hypotheses(kindJK, prior, priorSib, cmp).pSame < ONE_CHILD) continue;
        shared.set(a, (shared.get(a) ?? 0) + odds(b.pSameAlone));
        shared.set(b, (shared.get(b) ?? 0) + odds(a.pSameAlone));
      }
    }
    const cal = this.oneToOneFor(kind, side);
    for (const g of group) {
      const a = odds(g.pSameAlone);
      const rivals = Math.max(0, total - a - (shared.get(g) ?? 0));
      g.rivals = rivals;
      const p = a / (none + a + rivals);
      // the field weights were calibrated pair by pair; the one-to-one posterior gets its own
      // (two-parameter, fitted by train.ts) calibration so that it again means what it says
      g.pSame = cal ? sigmoid2(cal.slope * logit2(p) + cal.intercept) : p;
    }
  }
  private readonly cmpPair = new Comparison();
  /** `contenders`' objects, reused from call to call (≈ 1,200 per match otherwise) */
  private readonly contenderPool: Contender[] = [];
  /** decodes candidates for one comparison each (overwritten by the next) */
  private readonly decoder = new RecordDecoder();
  /** a contender's record, decoded to keep (the few that compete, are checked or explained) */
  private contenderRecord(g: Contender): Prepared {
    return g.c ?? (g.c = decode(this.heap.data, this.offsets.data[g.n], this.text));
  }

  /**
   * The other side of the one-to-one constraint. `compete` lets the query's candidates share the
   * evidence; but the candidate c is also one child, and the records on the query's side that look
   * like c (its rivals) compete for it: the pair (q, c) gets
   *   P = a / (none + a + Σ rivals among q's candidates + Σ rivals among c's candidates)
   * so a look-alike that is a lone candidate for q, while c has its true partner (or another
   * look-alike) on q's side, no longer comes out high from q's direction only — the pair's
   * probability is the same whichever of the two records is matched. Only candidates that matter
   * at a threshold are checked (the adjustment only lowers a probability); a record that is q itself
   * or confidently one child with q (a duplicate registration, another relative's request) is no rival.
   */
  private competeFromCandidateSide(q: Prepared, selfN: number, kind: MatchKind, side: number, group: Contender[]): void {
    const strong = group.filter((g) => g.pSame >= REVERSE_FLOOR);
    if (strong.length === 0) return;
    if (strong.length > MAX_REVERSE) strong.sort((a, b) => b.pSame - a.pSame).length = strongestWithoutSplitTies(strong, MAX_REVERSE);
    const odds = (p: number) => Math.min(1e12, p / Math.max(1e-12, 1 - p));
    const qSide = q.side;
    const prior = this.priorFor(kind, qSide);
    const priorSib = this.priorFor('possible-sibling', qSide);
    const kindQK: MatchKind = qSide === 0 ? 'duplicate-child' : 'same-sought-child';
    const priorQK = this.priorFor(kindQK, qSide);
    const cands = this.reverseCands;
    const cmp = this.cmpReverse;
    const cal = this.oneToOneFor(kind, side);
    const none = noneOddsOf(this.model, kind);
    for (const g of strong) {
      const c = this.contenderRecord(g);
      cands.length = 0;
      this.gather(this.keyMaker.queryKeys(c), qSide, cands, c, REVERSE_CANDIDATES, true, REVERSE_POSTINGS);
      let rivals = 0;
      for (const n of cands) {
        if (n === selfN || n === g.n) continue;
        const k = this.decoder.read(this.heap.data, this.offsets.data[n], this.text);
        if (c.side === qSide && c.group !== 0 && k.group === c.group) continue; // c's own request: known siblings of c
        if (c.agency !== k.agency && !(c.consent && k.consent)) continue;
        this.comparer.compare(c, k, cmp);
        this.pairsScored++;
        const pk = this.hypotheses(kind, prior, priorSib, cmp).pSame;
        if (pk < 1e-6) continue;
        if (pk >= STRONG_CONTENDER) {
          // k may be q under another registration, or a request for the same child: then no rival
          if (!(qSide === 1 && q.group !== 0 && k.group === q.group)) {
            this.comparer.compare(q, k, cmp);
            this.pairsScored++;
            if (this.hypotheses(kindQK, priorQK, priorSib, cmp).pSame >= ONE_CHILD) continue;
          }
        }
        rivals += odds(pk);
      }
      if (rivals <= 0) continue;
      const a = odds(g.pSameAlone);
      g.rivals = (g.rivals ?? 0) + rivals;
      const p = a / (none + a + g.rivals);
      g.pSame = cal ? sigmoid2(cal.slope * logit2(p) + cal.intercept) : p;
    }
  }
  private readonly reverseCands: number[] = [];
  private readonly cmpReverse = new Comparison();

  /**
   * Three hypotheses for a pair: same child, siblings, unrelated.
   *   s = log2 odds(same : unrelated)  = prior + calibrated Σ field weights
   *   d = log2 odds(same : siblings)   = log2(rate_same / rate_siblings) + calibrated Σ log2(m / mSibling)
   * P(same) = 1 / (1 + 2^-s + 2^-d), P(siblings) = P(same) · 2^-d.
   * ss (siblings : unrelated, plain Fellegi–Sunter) is kept for the sibling explanation.
   */
  private hypotheses(kind: MatchKind, prior: number, priorSib: number, cmp: Comparison): { s: number; ss: number; d: number; pSame: number; pSib: number } {
    const m = this.model;
    // the three sums in one pass over the fields, each added up in the order weightSum and the
    // discriminator loop add it (the same floating-point results)
    let ws = 0, wss = 0;
    let d = this.siblingBase(kind);
    const levels = cmp.levels, tf = cmp.tf, tfScale = m.tfScale;
    for (let f = 0; f < NFIELDS; f++) {
      const l = levels[f];
      if (l < 0) continue;
      ws += m.calibrated[f][l] + tfScale * tf[f];
      wss += m.siblingWeights[f][l] + tf[f];
      d += m.discriminator[f][l];
    }
    const s = prior + m.intercept + ws;
    const ss = priorSib + wss;
    // log-sum-exp in base 2 for stability
    const mx = Math.max(0, -s, -d);
    const lse = mx + Math.log2(Math.pow(2, -mx) + Math.pow(2, -s - mx) + Math.pow(2, -d - mx));
    const pSame = Math.pow(2, -lse);
    const pSib = Math.pow(2, -d - lse);
    return { s, ss, d, pSame, pSib };
  }

  /** log2(rate_same / rate_siblings) + the sibling intercept of `kind` under the current model (cached: per pair otherwise) */
  private siblingBase(kind: MatchKind): number {
    const m = this.model;
    if (this.siblingBaseOf !== m) {
      this.siblingBaseOf = m;
      this.siblingBases.clear();
    }
    let d = this.siblingBases.get(kind);
    if (d === undefined) this.siblingBases.set(kind, (d = Math.log2(m.prior[kind] / m.prior['possible-sibling']) + m.siblingIntercept));
    return d;
  }
  private siblingBaseOf: MatchModel | null = null;
  private readonly siblingBases = new Map<MatchKind, number>();

  private toCandidate(recordId: string, q: Prepared, x: Scored): MatchCandidate {
    const cmp = this.cmp;
    this.comparer.compare(q, x.c, cmp);
    const explanation: FieldComparison[] = [];
    const N = this.counts[x.c.side];
    const rate = this.model.prior[x.kind];
    const icpt = x.sibling ? 0 : this.model.intercept;
    explanation.push({
      field: 'prior', level: 'base-rate', weight: x.prior + icpt,
      note: `${rate} expected ${x.sibling ? 'siblings' : 'partners'} among ${N} stored ${x.c.side === 0 ? 'children' : 'sought children'} (min population ${this.model.prior.minPopulation})` +
        (icpt !== 0 ? `; calibration intercept ${icpt >= 0 ? '+' : ''}${icpt.toFixed(2)}` : ''),
    });
    explanation.push(...this.comparer.explain(q, x.c, cmp, x.sibling));
    if (!x.sibling && Math.abs(x.pSame - x.pSameAlone) > 1e-12) {
      const w = logit2(x.pSame) - logit2(x.pSameAlone);
      explanation.push({
        field: 'competing-candidates', level: 'one-to-one', weight: w,
        note: `a record is one child: ${x.rivals > 0 ? `rival candidates of this kind (Σ odds ${x.rivals.toPrecision(3)}) compete for it` : 'no rival candidate'}` +
          `${this.oneToOneNote(x.kind, x.c.side)} — P(same child) ${x.pSameAlone.toFixed(3)} for the pair alone → ${x.pSame.toFixed(3)}`,
      });
    }
    const partial = explanation.reduce((a, e) => a + e.weight, 0);
    const target = logit2(x.probability);
    explanation.push({
      field: x.sibling ? 'alternative.same-child' : 'alternative.siblings',
      level: 'competing-hypothesis',
      weight: target - partial,
      note: `probability is shared among same child / siblings / unrelated (same child ${x.pSame.toFixed(3)}, siblings ${x.pSib.toFixed(3)}); ` +
        `same child vs siblings is decided mainly by first name, date of birth and cross-listed siblings`,
    });
    const score = explanation.reduce((a, e) => a + e.weight, 0);
    return {
      recordId,
      otherId: this.idIndex.idOf(x.n),
      kind: x.kind,
      probability: x.probability,
      score,
      explanation,
      modelVersion: this.model.modelVersion,
      probabilities: { sameChild: x.pSame, siblings: x.pSib, sameChildAlone: x.pSameAlone },
    };
  }

  /** what the explanation says about the one-to-one calibration applied to candidates of `side` */
  private oneToOneNote(kind: MatchKind, side: number): string {
    const cal = this.oneToOneFor(kind, side);
    if (!cal) return '';
    const at = this.model.oneToOne!.bySize ? ` for ${this.populationOf(side)} stored records` : '';
    const none = noneOddsOf(this.model, kind);
    const noPartner = none !== 1 ? `; "no partner stored" at odds ${none.toFixed(3)} (1 − the base rate)` : '';
    const offset = kind === 'duplicate-child' || kind === 'same-sought-child' ? this.model.oneToOne!.kindOffset[kind] : undefined;
    const ofKind = offset !== undefined ? ` (${offset >= 0 ? '+' : ''}${offset.toFixed(3)} for ${kind})` : '';
    return `${noPartner}; one-to-one posterior calibrated (slope ${cal.slope.toFixed(3)}, intercept ${cal.intercept >= 0 ? '+' : ''}${cal.intercept.toFixed(3)}${ofKind}${at})`;
  }

  /**
   * Fuzzy, cross-script name search (admin API). Scores name, date of birth and
   * sex only; probability = P(this record is the person searched for), with a
   * prior of one target among the searched population. Consent/permission
   * filtering is the caller's job.
   */
  searchByName(query: NameSearchQuery, options: { limit?: number } = {}): NameSearchHit[] {
    const limit = options.limit ?? 20;
    const sex = query.sex === 'male' || query.sex === 'female' || query.sex === 'other' ? query.sex : undefined;
    const sides = query.side ? [query.side === 'sought' ? 1 : 0] : [0, 1];
    const rec: MatchRecord = {
      id: '\u0000search', side: 'child', agencyId: '\u0000search', consentForTracing: true,
      name: { full: query.name }, dateOfBirth: query.dateOfBirth, sex,
    };
    const q = this.prepQuery(rec);
    const keys = this.keyMaker.searchKeys(q);
    const cmp = this.cmp;
    const hits: Array<{ n: number; c: Prepared; score: number; prior: number }> = [];
    const cands: number[] = [];
    for (const side of sides) {
      const N = Math.max(this.counts[side], this.model.prior.minPopulation);
      const prior = log2odds(1 / N);
      cands.length = 0;
      this.gather(keys, side, cands, q);
      for (const n of cands) {
        const c = decode(this.heap.data, this.offsets.data[n], this.text);
        this.comparer.compare(q, c, cmp);
        hits.push({ n, c, score: prior + this.model.intercept + this.comparer.weightSum(cmp, false), prior: prior + this.model.intercept });
      }
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, limit).map((h) => {
      this.comparer.compare(q, h.c, cmp);
      const explanation: FieldComparison[] = [
        { field: 'prior', level: 'base-rate', weight: h.prior, note: `one sought person among ${h.c.side === 0 ? this.counts[0] : this.counts[1]} records` },
        ...this.comparer.explain(q, h.c, cmp, false),
      ];
      const score = explanation.reduce((a, e) => a + e.weight, 0);
      return { id: this.idIndex.idOf(h.n), side: (h.c.side === 0 ? 'child' : 'sought') as RecordSide, probability: sigmoid2(score), score, explanation };
    });
  }

  // ------------------------------------------------- tools & diagnostics ---

  /**
   * Comparison levels of two records (stored or not) — used by estimation and
   * tests. Does not touch the index.
   */
  compareRecords(a: MatchRecord, b: MatchRecord): { levels: Int8Array; tf: Float64Array; names: Record<string, string> } {
    const qa = this.prepQuery(a);
    const qb = this.prepQuery(b, true);
    const cmp = new Comparison();
    this.comparer.compare(qa, qb, cmp);
    const names: Record<string, string> = {};
    for (let i = 0; i < NFIELDS; i++) names[FIELDS[i].name] = cmp.levels[i] >= 0 ? FIELDS[i].levels[cmp.levels[i]] : 'missing';
    return { levels: Int8Array.from(cmp.levels), tf: Float64Array.from(cmp.tf), names };
  }

  /** Full explanation of one pair as if `b` were stored (no consent/blocking filter). */
  explainPair(a: MatchRecord, b: MatchRecord): MatchCandidate {
    const qa = this.prepQuery(a);
    const qb = this.prepQuery(b, true);
    const kind: MatchKind = qa.side !== qb.side ? 'child-sought' : qa.side === 0 ? 'duplicate-child' : 'same-sought-child';
    const cmp = this.cmp;
    this.comparer.compare(qa, qb, cmp);
    const prior = this.priorFor(kind, qb.side);
    const priorSib = this.priorFor('possible-sibling', qb.side);
    const h = this.hypotheses(kind, prior, priorSib, cmp);
    const lone: Contender = { n: -1, c: qb, pSame: h.pSame, pSameAlone: h.pSame, pSib: h.pSib, s: h.s, ss: h.ss, rivals: 0 };
    this.compete(kind, qb.side, [lone]); // as the only candidate: no rivals, the one-to-one calibration only
    const isSib = h.pSib > lone.pSame && h.pSib >= this.model.siblingThreshold;
    const fake: Scored = {
      n: -1, c: qb, kind: isSib ? 'possible-sibling' : kind, probability: isSib ? h.pSib : lone.pSame, score: isSib ? h.ss : h.s,
      sibling: isSib, rival: isSib ? h.s : h.ss, prior: isSib ? priorSib : prior, pSame: lone.pSame, pSib: h.pSib, pSameAlone: h.pSame, rivals: 0,
    };
    const cand = this.toCandidate(a.id, qa, fake);
    cand.otherId = b.id;
    return cand;
  }

  private aliveOfSide(side: number): number[] {
    const out: number[] = [];
    for (let n = 0; n < this.nSlots; n++) {
      if (this.alive.data[n] === 0) continue;
      if ((this.heap.data[this.offsets.data[n]] & 1) === side) out.push(n);
    }
    return out;
  }

  /**
   * Comparison vectors of random (child, sought) pairs of the stored
   * population — the u distribution for re-estimation. Deterministic for a seed.
   */
  randomPairVectors(count: number, seed = 1): Int8Array[] {
    const a = this.aliveOfSide(0);
    const b = this.aliveOfSide(1);
    const out: Int8Array[] = [];
    if (a.length === 0 || b.length === 0) return out;
    let s = seed >>> 0 || 1;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const cmp = new Comparison();
    for (let i = 0; i < count; i++) {
      const x = decode(this.heap.data, this.offsets.data[a[Math.floor(rnd() * a.length)]], this.text);
      const y = decode(this.heap.data, this.offsets.data[b[Math.floor(rnd() * b.length)]], this.text);
      this.comparer.compare(x, y, cmp);
      out.push(Int8Array.from(cmp.levels));
    }
    return out;
  }

  /**
   * Comparison vectors of blocked (child → sought) candidate pairs for up to
   * `maxQueries` stored children — the input of unsupervised EM re-estimation.
   */
  candidatePairVectors(maxQueries: number, seed = 1): Int8Array[] {
    const a = this.aliveOfSide(0);
    let s = seed >>> 0 || 1;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const out: Int8Array[] = [];
    const cmp = new Comparison();
    const cands: number[] = [];
    for (let i = 0; i < Math.min(maxQueries, a.length); i++) {
      const n = a[Math.floor(rnd() * a.length)];
      const q = decode(this.heap.data, this.offsets.data[n], this.text);
      cands.length = 0;
      this.gather(this.keyMaker.queryKeys(q), 1, cands, q);
      for (const cn of cands) {
        this.comparer.compare(q, decode(this.heap.data, this.offsets.data[cn], this.text), cmp);
        out.push(Int8Array.from(cmp.levels));
      }
    }
    return out;
  }

  /**
   * Scored candidates of a stored or new record with their raw comparison
   * vectors — the input for fitting the dependence calibration on labelled
   * candidate pairs (bench/matching/train.ts).
   */
  candidateFeatures(record: MatchRecord): Array<{ otherId: string; kind: MatchKind; levels: Int8Array; tf: Float64Array; prior: number; siblingScore: number }> {
    const q = this.prepQuery(record);
    const selfN = this.idIndex.get(record.id) ?? -1;
    const keys = this.keyMaker.queryKeys(q);
    const out: Array<{ otherId: string; kind: MatchKind; levels: Int8Array; tf: Float64Array; prior: number; siblingScore: number }> = [];
    const cands: number[] = [];
    const cmp = new Comparison();
    for (const side of [1 - q.side, q.side]) {
      const kind: MatchKind = side !== q.side ? 'child-sought' : q.side === 0 ? 'duplicate-child' : 'same-sought-child';
      const prior = this.priorFor(kind, side);
      const priorSib = this.priorFor('possible-sibling', side);
      cands.length = 0;
      this.gather(keys, side, cands, q);
      for (const n of cands) {
        if (n === selfN) continue;
        const c = decode(this.heap.data, this.offsets.data[n], this.text);
        if (side === q.side && q.group !== 0 && c.group === q.group) continue;
        this.comparer.compare(q, c, cmp);
        out.push({ otherId: this.idIndex.idOf(n), kind, levels: Int8Array.from(cmp.levels), tf: Float64Array.from(cmp.tf), prior, siblingScore: priorSib + this.comparer.weightSum(cmp, true) });
      }
    }
    return out;
  }

  /**
   * Blocking diagnostics for a (query, stored) pair: the keys they share with
   * block sizes, and the stored record's rank among the query's candidates.
   */
  blockingDebug(query: MatchRecord, otherId: string): { shared: Array<[string, number]>; rank: number; candidates: number } {
    const q = this.prepQuery(query);
    const n = this.idIndex.get(otherId);
    if (n === undefined) return { shared: [], rank: -1, candidates: 0 };
    const c = decode(this.heap.data, this.offsets.data[n], this.text);
    const names = new Map<number, string>();
    const qk = this.keyMaker.queryKeys(q, names);
    const ck = new Set(this.keyMaker.keys(c, false));
    const idx = this.indexes[c.side];
    const shared = qk.keys.filter((k) => ck.has(k)).map((k) => [names.get(k)!, idx.count(k)] as [string, number]);
    const out: number[] = [];
    this.gather(qk, c.side, out, q);
    return { shared, rank: out.indexOf(n), candidates: out.length };
  }

  /** Candidate ids that blocking yields for a record (diagnostics/benchmark). */
  candidateIds(record: MatchRecord): string[] {
    const q = this.prepQuery(record);
    const keys = this.keyMaker.queryKeys(q);
    const out: number[] = [];
    const all: string[] = [];
    for (const side of [0, 1]) {
      out.length = 0;
      this.gather(keys, side, out, q);
      for (const n of out) all.push(this.idIndex.idOf(n));
    }
    return all;
  }

  /** Sizes of the index structures (bytes are typed-array bytes only). */
  /** posting store upkeep since the engine was created or restored (benchmarks) */
  upkeep(): { compactions: number; rehashes: number; overruns: number; migrating: boolean } {
    const [a, b] = this.indexes;
    return { compactions: a.compactions + b.compactions, rehashes: a.rehashes + b.rehashes, overruns: a.overruns + b.overruns, migrating: a.compacting || b.compacting };
  }

  stats(): Record<string, number> {
    return {
      records: this.nSlots,
      idIndexBytes: this.idIndex.byteLength,
      textBytes: this.text.byteLength,
      alive: this.counts[0] + this.counts[1],
      heapInts: this.heap.length,
      heapBytes: this.heap.byteLength,
      postingsChild: this.indexes[0].postings,
      postingsSought: this.indexes[1].postings,
      distinctKeysChild: this.indexes[0].distinctKeys,
      distinctKeysSought: this.indexes[1].distinctKeys,
      indexBytes: this.indexes[0].bytes + this.indexes[1].bytes,
      tokens: this.lexicon.tokenCount,
      folds: this.lexicon.foldStr.length,
      strings: this.pool.size,
    };
  }
}

export { F };
