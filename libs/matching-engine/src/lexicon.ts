/**
 * Token dictionary shared by all records of an engine: every distinct
 * normalised name/place token gets an integer id with precomputed features
 * (folded form, alternative reading, phonetic key, variant groups), and every
 * folded form carries term-frequency counts over the stored population.
 */
import { IntVec } from './util';
import { ChunkReader, ChunkWriter } from './snapshot';
import { fold, phoneticKey } from './text/normalise';
import { NameToken, PET_NAMES } from './text/names';
import { VariantTable } from './text/variants';

/** Frequency table over record values (one count per record per distinct value). */
export class CountTable {
  readonly counts = new IntVec(1024);
  /** number of records counted */
  n = 0;
  /** Σ count² (for the expected frequency on a random agreement) */
  sumSq = 0;
  add(id: number, delta: 1 | -1): void {
    if (id < 0) return;
    if (id >= this.counts.length) this.counts.ensure(id + 1);
    const c = this.counts.data[id];
    const next = c + delta;
    if (next < 0) return;
    this.counts.data[id] = next;
    this.sumSq += next * next - c * c;
  }
  count(id: number): number {
    return id >= 0 && id < this.counts.length ? this.counts.data[id] : 0;
  }
  /**
   * Term-frequency adjustment in bits for agreeing on value `id`:
   * log2(E[f] / f_id), clamped. Positive for rare values, negative for common.
   */
  adjustment(id: number, maxAdj: number, minPopulation: number): number {
    if (this.n < minPopulation || this.sumSq <= 0) return 0;
    const c = Math.max(1, this.count(id));
    const f = c / this.n;
    const ref = this.sumSq / (this.n * this.n);
    const adj = Math.log2(ref / f);
    return adj > maxAdj ? maxAdj : adj < -maxAdj ? -maxAdj : adj;
  }
  frequency(id: number): number {
    return this.n > 0 ? this.count(id) / this.n : 0;
  }

  dump(w: ChunkWriter, name: string): void {
    w.ints(`${name}.counts`, this.counts.copy());
    w.json(`${name}.meta`, { n: this.n, sumSq: this.sumSq });
  }
  load(r: ChunkReader, name: string): void {
    this.counts.load(r.ints(`${name}.counts`));
    const m = r.json<{ n: number; sumSq: number }>(`${name}.meta`);
    this.n = m.n;
    this.sumSq = m.sumSq;
  }
}

export class Lexicon {
  private readonly tokIndex = new Map<string, number>();
  readonly tokNorm: string[] = [];
  readonly tokFold = new IntVec(1024);
  readonly tokAltFold = new IntVec(1024);
  private readonly foldIndex = new Map<string, number>();
  readonly foldStr: string[] = [];
  readonly foldPhon = new IntVec(1024);
  readonly foldGroups: (readonly number[])[] = [];
  /** 1 when the folded form belongs to a curated (hand-made) variant group */
  readonly foldCurated = new IntVec(1024);
  /** 1 when the folded form is a known pet name (see PET_NAMES) */
  readonly foldPet = new IntVec(1024);
  private readonly petFolds = new Set(PET_NAMES.map((n) => fold(n)));
  private readonly phonIndex = new Map<string, number>();
  readonly phonStr: string[] = [];
  /** first-name frequencies (first given token of a child's name) */
  readonly first = new CountTable();
  /** any-name-token frequencies (token present anywhere in a child's name) */
  readonly any = new CountTable();
  /** parent first-name frequencies */
  readonly parent = new CountTable();
  readonly isKnown: (norm: string) => boolean;

  constructor(readonly variants: VariantTable) {
    this.isKnown = (norm: string) => this.variants.knows(fold(norm));
  }

  foldId(folded: string): number {
    let id = this.foldIndex.get(folded);
    if (id === undefined) {
      id = this.foldStr.length;
      this.foldStr.push(folded);
      this.foldIndex.set(folded, id);
      const key = phoneticKey(folded);
      let pid = this.phonIndex.get(key);
      if (pid === undefined) {
        pid = this.phonStr.length;
        this.phonStr.push(key);
        this.phonIndex.set(key, pid);
      }
      this.foldPhon.push(pid);
      const groups = this.variants.groupsOf(folded);
      this.foldGroups.push(groups);
      this.foldCurated.push(groups.some((g) => this.variants.groups[g].source === 'curated') ? 1 : 0);
      this.foldPet.push(this.petFolds.has(folded) ? 1 : 0);
    }
    return id;
  }

  token(t: NameToken): number {
    const key = t.alt ? t.norm + '\u0001' + t.alt : t.norm;
    let id = this.tokIndex.get(key);
    if (id === undefined) {
      id = this.tokNorm.length;
      this.tokNorm.push(t.norm);
      this.tokIndex.set(key, id);
      const f = this.foldId(fold(t.norm));
      this.tokFold.push(f);
      const alt = t.alt ? this.foldId(fold(t.alt)) : -1;
      this.tokAltFold.push(alt === f ? -1 : alt);
    }
    return id;
  }

  /** a plain token (place names, etc.) */
  plainToken(norm: string): number {
    return this.token({ norm });
  }

  /** a pet name (Hamoudi, Dheere, Papy…) rather than a registered given name */
  petName(tok: number): boolean {
    return this.foldPet.data[this.tokFold.data[tok]] === 1;
  }

  curated(fold: number): boolean {
    return this.foldCurated.data[fold] === 1;
  }

  /** the fold used for term frequencies: the alternative reading when there is one (Calii → ali) */
  tfFold(tok: number): number {
    const a = this.tokAltFold.data[tok];
    return a >= 0 ? a : this.tokFold.data[tok];
  }

  fold(tok: number): number {
    return this.tokFold.data[tok];
  }
  altFold(tok: number): number {
    return this.tokAltFold.data[tok];
  }
  foldString(tok: number): string {
    return this.foldStr[this.tokFold.data[tok]];
  }
  get tokenCount(): number {
    return this.tokNorm.length;
  }

  /** tokens, folds and phonetic keys with their ids, and the term-frequency counts (engine snapshots) */
  dump(w: ChunkWriter): void {
    w.json('lex.tokKeys', [...this.tokIndex.keys()]);
    w.ints('lex.tokFold', this.tokFold.copy());
    w.ints('lex.tokAltFold', this.tokAltFold.copy());
    w.json('lex.foldStr', this.foldStr);
    w.ints('lex.foldPhon', this.foldPhon.copy());
    w.json('lex.phonStr', this.phonStr);
    this.first.dump(w, 'lex.first');
    this.any.dump(w, 'lex.any');
    this.parent.dump(w, 'lex.parent');
  }

  /** into an empty lexicon built with the same variant table: the same ids for the same strings */
  load(r: ChunkReader): void {
    if (this.tokNorm.length || this.foldStr.length) throw new Error('Lexicon.load: lexicon is not empty');
    const tokKeys = r.json<string[]>('lex.tokKeys');
    tokKeys.forEach((k, i) => {
      this.tokIndex.set(k, i);
      const cut = k.indexOf('\u0001');
      this.tokNorm.push(cut < 0 ? k : k.slice(0, cut));
    });
    this.tokFold.load(r.ints('lex.tokFold'));
    this.tokAltFold.load(r.ints('lex.tokAltFold'));
    const phonStr = r.json<string[]>('lex.phonStr');
    phonStr.forEach((k, i) => {
      this.phonStr.push(k);
      this.phonIndex.set(k, i);
    });
    const foldStr = r.json<string[]>('lex.foldStr');
    // variant groups, curated and pet flags are functions of the folded form and the variant table
    foldStr.forEach((f, i) => {
      this.foldStr.push(f);
      this.foldIndex.set(f, i);
      const groups = this.variants.groupsOf(f);
      this.foldGroups.push(groups);
      this.foldCurated.push(groups.some((g) => this.variants.groups[g].source === 'curated') ? 1 : 0);
      this.foldPet.push(this.petFolds.has(f) ? 1 : 0);
    });
    this.foldPhon.load(r.ints('lex.foldPhon'));
    if (this.tokFold.length !== tokKeys.length || this.tokAltFold.length !== tokKeys.length || this.foldPhon.length !== foldStr.length) {
      throw new Error('Lexicon.load: inconsistent snapshot');
    }
    this.first.load(r, 'lex.first');
    this.any.load(r, 'lex.any');
    this.parent.load(r, 'lex.parent');
  }
}
