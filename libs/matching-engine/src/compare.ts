/**
 * Field comparators: each field of a pair of prepared records gets a graded
 * level (see FIELDS in model.ts) and, for rare/common values, a term-frequency
 * adjustment. `Comparer.compare` is the hot path (levels + TF only);
 * `Comparer.explain` recomputes with the details a coordinator sees.
 */
import { Lexicon } from './lexicon';
import { F, FIELDS, MatchModel } from './model';
import { BirthKind, NO_DATE, PName, PPlace, Prepared, firstToken, nameTokens } from './prepare';
import { jaroWinkler } from './text/jaro-winkler';
import { fold } from './text/normalise';
import { StringPool } from './util';
import { FieldComparison } from './types';

export const enum Sim { Exact = 0, Variant = 1, Jw92 = 2, Phon = 3, Jw85 = 4, Jw70 = 5, None = 6 }
const SIM_NAMES = ['exact', 'variant', 'jw92', 'phonetic', 'jw85', 'jw70', 'none'];

/** a compound given name joined from two tokens agrees at the jw92 level (`joinedCompound`) */
const JOINED_MIN_JW = 0.92;
const FIRST_LEVEL = { exact: 0, variant: 1, jw92: 2, nickname: 3, swapped: 4, phonetic: 5, elsewhere: 6, jw85: 7, jw70: 8, none: 9 } as const;
const REST_LEVEL = { all2: 0, all1: 1, some: 2, fuzzy: 3, none: 4, viaFather: 5 } as const;
const BIRTH_LEVEL = { exact: 0, 'dm-swap': 1, ym: 2, y: 3, y1: 4, y2: 5, y4: 6, far: 7, e0: 8, e1: 9, e2: 10, e4: 11, efar: 12 } as const;
const PLACE_LEVEL = { exact: 0, admin2: 1, admin1: 2, country: 3, text: 4, 'text-disagree': 5, disagree: 6 } as const;
const PARENT_LEVEL = { full: 0, first: 1, fuzzy: 2, disagree: 3 } as const;

export const NFIELDS = FIELDS.length;

/**
 * Jaro-Winkler for folded name tokens. Theophoric compounds share a prefix
 * (abd-, abu-) that says nothing about the name: Abdi vs Abdullahi or
 * Abdirahman vs Abdulkadir are compared on what follows the prefix.
 */
export function nameJw(a: string, b: string): number {
  if (a.length > 3 && b.length > 3 && a.charCodeAt(0) === 97 && b.charCodeAt(0) === 97) {
    if (a.startsWith('abd') && b.startsWith('abd')) return jaroWinkler(a.slice(3), b.slice(3));
    if (a.startsWith('abu') && b.startsWith('abu')) return jaroWinkler(a.slice(3), b.slice(3));
  }
  return jaroWinkler(a, b);
}
/** `x.slice(0, 2) === y.slice(0, 2)` (two P-codes' country part) without making the substrings */
function samePrefix2(x: string, y: string): boolean {
  const n = Math.min(2, x.length);
  if (n !== Math.min(2, y.length)) return false;
  for (let i = 0; i < n; i++) if (x.charCodeAt(i) !== y.charCodeAt(i)) return false;
  return true;
}
const NO_PLACE = Object.freeze({ level: -1, code: -1 });
const PL_DISAGREE = Object.freeze({ level: PLACE_LEVEL.disagree, code: -1 });
const PL_ADMIN2 = Object.freeze({ level: PLACE_LEVEL.admin2, code: -1 });
const PL_ADMIN1 = Object.freeze({ level: PLACE_LEVEL.admin1, code: -1 });
const PL_COUNTRY = Object.freeze({ level: PLACE_LEVEL.country, code: -1 });
const PL_TEXT = Object.freeze({ level: PLACE_LEVEL.text, code: -1 });
const PL_TEXT_DISAGREE = Object.freeze({ level: PLACE_LEVEL['text-disagree'], code: -1 });

/** Comparison vector of one pair: level per field (-1 = missing) and TF adjustment (bits). */
export class Comparison {
  readonly levels = new Int8Array(NFIELDS);
  readonly tf = new Float64Array(NFIELDS);
  reset(): void {
    this.levels.fill(-1);
    this.tf.fill(0);
  }
}

interface NameDetail {
  firstL: number;
  firstR: number;
  firstSim: Sim;
  firstVia: string; // 'first' | 'nickname' | 'pet-name' | 'swapped' | 'joined' | 'elsewhere'
  /** via 'joined': the two names joined and the one name they agree with */
  joined: [number, number, number] | null;
  restPairs: Array<[number, number, Sim]>;
  rendering: string;
  tfFirst: number; // fold id or -1
  tfRest: number[];
}

interface NameResult {
  first: number;
  rest: number;
  tfFirst: number;
  tfRest: number;
  weight: number;
}

/** token ids below this are cached: (lo · span + hi + 1) · 16 + similarity stays an exact float64 (< 2^53) */
const SIM_KEY_SPAN = 2 ** 24;
const simSlot = (lo: number, hi: number, shift: number) => (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) >>> (32 - shift);

export class Comparer {
  /**
   * Token-pair similarities, kept across queries: a token's folds, variant groups and phonetic key
   * are fixed when it is interned, so sim(a, b) is a function of the two ids alone — and the same
   * pairs (Muhammad ~ Mohamed) recur in every query (≈ 80 % of lookups hit at 100k). Direct-mapped
   * (a pair may evict another), one float64 per entry holding the pair and its similarity (one
   * memory read per lookup), growing from 2^16 to 2^20 entries (8 MiB) as it fills.
   */
  private simTable = new Float64Array(1 << 16);
  private simShift = 16;
  private simMisses = 0;
  private readonly scratchName: NameResult = { first: -1, rest: -1, tfFirst: 0, tfRest: 0, weight: 0 };
  private readonly scratchRendering: NameResult = { first: -1, rest: -1, tfFirst: 0, tfRest: 0, weight: 0 };
  /** compareRendering: the tokens left after the first-name match */
  private readonly restL: number[] = [];
  private readonly restR: number[] = [];

  constructor(
    readonly lex: Lexicon,
    readonly pool: StringPool,
    public model: MatchModel,
  ) {}

  // ------------------------------------------------------------ tokens ---

  /** since kinlink-fs-1.6.0 (model `comparators.joinedCompounds`): see `joinedCompound` */
  private get joinCompounds(): boolean {
    return this.model.json.comparators?.joinedCompounds === true;
  }

  /**
   * A compound given name written as two names by one record and as one by the other, that the
   * tokeniser's lists could not join (*Jean-Claoude* × *Jeanclaude*, *Welide Hiwet* × *Weldehiwet*):
   * 1 when lt's first two tokens joined are within Jaro-Winkler 0.92 of rt's first, 2 the other
   * way round, 0 neither. Only pairs whose first tokens open alike are looked at (cheap on the
   * look-alikes that make most candidate pairs).
   */
  private joinedCompound(lt: number[], rt: number[]): 0 | 1 | 2 {
    const lex = this.lex;
    const a = lex.foldString(lt[0]), b = lex.foldString(rt[0]);
    if (a.length < 2 || b.length < 2 || a.charCodeAt(0) !== b.charCodeAt(0) || a.charCodeAt(1) !== b.charCodeAt(1)) return 0;
    // joined before folding, as the tokeniser would have (fold drops a final e: Welide → velid)
    const joins = (two: number[], one: string, head: string) => {
      if (two.length < 2 || one.length <= head.length) return false;
      const joined = fold(lex.tokNorm[two[0]] + lex.tokNorm[two[1]]);
      return Math.abs(joined.length - one.length) <= 2 && jaroWinkler(joined, one) >= JOINED_MIN_JW;
    };
    if (joins(lt, b, a)) return 1;
    if (joins(rt, a, b)) return 2;
    return 0;
  }

  /** Similarity category of two name tokens (memoised). */
  sim(a: number, b: number): Sim {
    if (a === b) return Sim.Exact;
    const lo = a < b ? a : b, hi = a < b ? b : a;
    if (hi >= SIM_KEY_SPAN) return this.simUncached(a, b);
    const entry = (lo * SIM_KEY_SPAN + hi + 1) * 16; // + 1: never the empty entry 0
    const h = simSlot(lo, hi, this.simShift);
    const v = this.simTable[h] - entry;
    if (v >= 0 && v < 16) return v as Sim;
    const s = this.simUncached(a, b);
    this.simTable[h] = entry + s;
    if (++this.simMisses > 4 << this.simShift && this.simShift < 20) this.growSimCache();
    return s;
  }

  private growSimCache(): void {
    const old = this.simTable;
    this.simShift += 2;
    this.simTable = new Float64Array(1 << this.simShift);
    this.simMisses = 0;
    for (let i = 0; i < old.length; i++) {
      if (old[i] === 0) continue;
      const k = Math.floor(old[i] / 16) - 1, lo = Math.floor(k / SIM_KEY_SPAN), hi = k - lo * SIM_KEY_SPAN;
      this.simTable[simSlot(lo, hi, this.simShift)] = old[i];
    }
  }

  private simUncached(a: number, b: number): Sim {
    const lex = this.lex;
    const fa = lex.tokFold.data[a];
    const fb = lex.tokFold.data[b];
    const aa = lex.tokAltFold.data[a];
    const ab = lex.tokAltFold.data[b];
    if (fa === fb || (aa >= 0 && (aa === fb || aa === ab)) || (ab >= 0 && fa === ab)) return Sim.Exact;
    if (this.sharedGroup(fa, aa, fb, ab) >= 0) return Sim.Variant;
    // two names the curated table knows, in different groups, are different names
    // (Mohamed vs Ahmed, Hassan vs Hussein) however close their spellings
    if ((lex.curated(fa) || (aa >= 0 && lex.curated(aa))) && (lex.curated(fb) || (ab >= 0 && lex.curated(ab)))) return Sim.None;
    const sa = lex.foldStr[fa];
    const sb = lex.foldStr[fb];
    const jw = this.jwOfFolds(fa, aa, fb, ab);
    if (jw >= 0.92) return Sim.Jw92;
    const pa = lex.foldPhon.data[fa];
    const pb = lex.foldPhon.data[fb];
    if (pa === pb || (aa >= 0 && lex.foldPhon.data[aa] === pb) || (ab >= 0 && lex.foldPhon.data[ab] === pa)) {
      // a phonetic key of one or two consonant classes is too weak to count, unless a name is that
      // short (either name: a pair must score the same whichever record is being matched)
      if (lex.phonStr[pa].length >= 2 || lex.phonStr[pb].length >= 2 || sa.length <= 3 || sb.length <= 3) return Sim.Phon;
    }
    if (jw >= 0.85) return Sim.Jw85;
    if (jw >= 0.7) return Sim.Jw70;
    return Sim.None;
  }

  /** id of a variant group shared by the two folded tokens (and their alternatives), or -1. */
  sharedGroup(fa: number, aa: number, fb: number, ab: number): number {
    const g = this.lex.foldGroups;
    const ga = g[fa];
    const gb = g[fb];
    const gaa = aa >= 0 ? g[aa] : null;
    const gbb = ab >= 0 ? g[ab] : null;
    if (ga.length === 0 && gb.length === 0 && !gaa && !gbb) return -1;
    for (const x of ga) {
      if (gb.includes(x)) return x;
      if (gbb && gbb.includes(x)) return x;
    }
    if (gaa) for (const x of gaa) {
      if (gb.includes(x)) return x;
      if (gbb && gbb.includes(x)) return x;
    }
    return -1;
  }

  // ------------------------------------------------------------- names ---

  private tfAdjust(table: 'first' | 'any' | 'parent', fold: number): number {
    const m = this.model;
    return this.lex[table].adjustment(fold, m.tf.maxAdjustment, m.tf.minPopulation);
  }

  /**
   * Compare two names over their renderings (Latin parts, original script) and
   * keep the rendering pair with the highest weight.
   */
  private compareNames(L: PName, R: PName, detail: NameDetail | null): NameResult {
    const lt = L.all;
    const rt = R.all;
    const best = this.scratchName;
    best.first = -1;
    best.weight = -Infinity;
    let bestRendering = 0; // 0 latin, 1 latin~original, 2 original~latin, 3 original, 4 nicknames
    for (let k = 0; k < 4; k++) {
      const a = k >= 2 ? L.orig : lt;
      const b = k === 1 || k === 3 ? R.orig : rt;
      if (a.length === 0 || b.length === 0) continue;
      const r = this.compareRendering(a, b, L.nick, R.nick, null);
      if (r.weight > best.weight) {
        best.first = r.first;
        best.rest = r.rest;
        best.tfFirst = r.tfFirst;
        best.tfRest = r.tfRest;
        best.weight = r.weight;
        bestRendering = k;
      }
    }
    if (best.first < 0) {
      best.rest = -1;
      best.tfFirst = 0;
      best.tfRest = 0;
      best.weight = 0;
      const a = lt.length > 0 ? lt : L.orig.length > 0 ? L.orig : L.nick;
      const b = rt.length > 0 ? rt : R.orig.length > 0 ? R.orig : R.nick;
      if (a.length > 0 && b.length > 0) {
        const r = this.compareRendering(a, b, L.nick, R.nick, null);
        best.first = r.first;
        best.tfFirst = r.tfFirst;
        best.weight = this.model.weights[F.FIRST][r.first] + r.tfFirst;
        bestRendering = 4;
      }
    }
    if (detail && best.first >= 0) {
      const k = bestRendering;
      const a = k === 4 ? (lt.length > 0 ? lt : L.orig.length > 0 ? L.orig : L.nick) : k >= 2 ? L.orig : lt;
      const b = k === 4 ? (rt.length > 0 ? rt : R.orig.length > 0 ? R.orig : R.nick) : k === 1 || k === 3 ? R.orig : rt;
      this.compareRendering(a, b, L.nick, R.nick, detail);
      detail.rendering = ['latin', 'latin~original', 'original~latin', 'original', 'nicknames'][k];
    }
    return best;
  }

  private compareRendering(lt: number[], rt: number[], lnick: number[], rnick: number[], detail: NameDetail | null): NameResult {
    const model = this.model;
    const lf = lt[0];
    const rf = rt[0];
    const s = this.sim(lf, rf);
    let first: number;
    let li = 0; // index in lt consumed by the first-name match (-1 none)
    let ri = 0;
    let li2 = -1; // second consumed pair (swap)
    let ri2 = -1;
    let via = 'first';
    let firstL = lf;
    let firstR = rf;
    let firstSim = s;
    let tfTok = lf; // the name whose rarity counts (a joined compound: the record that writes it as one)
    if (s <= Sim.Jw92) {
      first = s === Sim.Exact ? FIRST_LEVEL.exact : s === Sim.Variant ? FIRST_LEVEL.variant : FIRST_LEVEL.jw92;
    } else {
      let nick = -1;
      let nickL = lf, nickR = rf; // the nickname pair (two numbers, not a tuple per comparison)
      for (const n of lnick) {
        const x = this.sim(n, rf);
        if (x <= Sim.Variant) { nick = x; nickL = n; nickR = rf; break; }
      }
      if (nick < 0) for (const n of rnick) {
        const x = this.sim(lf, n);
        if (x <= Sim.Variant) { nick = x; nickL = lf; nickR = n; break; }
      }
      if (nick < 0) outer: for (const a of lnick) for (const b of rnick) {
        const x = this.sim(a, b);
        if (x <= Sim.Variant) { nick = x; nickL = a; nickR = b; break outer; }
      }
      if (nick >= 0) {
        first = FIRST_LEVEL.nickname;
        via = 'nickname';
        firstL = nickL;
        firstR = nickR;
        firstSim = nick as Sim;
      } else {
        let jR = -1;
        for (let j = 1; j < rt.length; j++) if (this.sim(lf, rt[j]) <= Sim.Jw92) { jR = j; break; }
        let iL = -1;
        for (let i = 1; i < lt.length; i++) if (this.sim(lt[i], rf) <= Sim.Jw92) { iL = i; break; }
        let joined = 0; // 1: lt's first two tokens are rf's one name; 2: rt's are lf's
        if (jR > 0 && iL > 0) {
          first = FIRST_LEVEL.swapped;
          via = 'swapped';
          li = 0; ri = jR; li2 = iL; ri2 = 0;
          firstR = rt[jR];
          firstSim = this.sim(lf, rt[jR]);
        } else if (this.joinCompounds && (joined = this.joinedCompound(lt, rt)) !== 0) {
          // one record writes a compound given name as two names, the other as one, and the
          // tokeniser's fixed list could not join it (a typo, an unlisted compound)
          first = FIRST_LEVEL.jw92;
          via = 'joined';
          if (joined === 1) { li2 = 1; tfTok = rf; } else { ri2 = 1; tfTok = lf; }
          firstSim = Sim.Jw92;
        } else if (s === Sim.Phon) {
          first = FIRST_LEVEL.phonetic;
        } else if (jR > 0 || iL > 0) {
          first = FIRST_LEVEL.elsewhere;
          via = 'elsewhere';
          if (jR > 0) { li = 0; ri = jR; firstR = rt[jR]; firstSim = this.sim(lf, rt[jR]); }
          else { li = iL; ri = 0; firstL = lt[iL]; firstSim = this.sim(lt[iL], rf); }
        } else if (s >= Sim.Jw70 && (this.lex.petName(lf) || this.lex.petName(rf))) {
          // one side gives a pet name (Hamoudi, Dheere, Papy) where the other has the registered name
          first = FIRST_LEVEL.nickname;
          via = 'pet-name';
        } else {
          first = s === Sim.Jw85 ? FIRST_LEVEL.jw85 : s === Sim.Jw70 ? FIRST_LEVEL.jw70 : FIRST_LEVEL.none;
        }
      }
    }
    let weight = model.weights[F.FIRST][first];
    let tfFirst = 0;
    if (first <= FIRST_LEVEL.phonetic && first !== FIRST_LEVEL.nickname) {
      // the rarity of the name counts for spelling variants too (Tesfaye ≈ Tesfay is rarer than Mohamed ≈ Muhammad)
      tfFirst = this.tfAdjust('first', this.lex.tfFold(tfTok));
      weight += tfFirst;
    }
    // rest: tokens not consumed by the first-name match
    let rest = -1;
    let tfRest = 0;
    {
      // collect remaining indices (into arrays reused across comparisons, with their counts: setting
      // an array's length is a runtime call)
      const lr = this.restL, rr = this.restR;
      let nl = 0, nr = 0;
      for (let i = 0; i < lt.length; i++) if (i !== li && i !== li2) { if (nl < lr.length) lr[nl] = lt[i]; else lr.push(lt[i]); nl++; }
      for (let j = 0; j < rt.length; j++) if (j !== ri && j !== ri2) { if (nr < rr.length) rr[nr] = rt[j]; else rr.push(rt[j]); nr++; }
      if (nl > 0 && nr > 0 && nl <= 30) {
        const shortIsL = nl <= nr;
        const S = shortIsL ? lr : rr;
        const T = shortIsL ? rr : lr;
        const nS = shortIsL ? nl : nr, nT = shortIsL ? nr : nl;
        let strong = 0;
        let weak = 0;
        let used = 0; // bitmask over T (names have few tokens)
        let rare1 = -1;
        let rare2 = -1;
        for (let si = 0; si < nS; si++) {
          const x = S[si];
          let bestSim = Sim.None as Sim;
          let bestJ = -1;
          for (let j = 0; j < nT && j < 30; j++) {
            if (used & (1 << j)) continue;
            const y = T[j];
            const v = shortIsL ? this.sim(x, y) : this.sim(y, x);
            if (v < bestSim) { bestSim = v; bestJ = j; if (v === Sim.Exact) break; }
          }
          if (bestJ >= 0 && bestSim <= Sim.Jw92) {
            strong++;
            used |= 1 << bestJ;
            const lTok = shortIsL ? x : T[bestJ];
            const fold = this.lex.tfFold(lTok);
            const c = this.lex.any.count(fold);
            if (rare1 < 0 || c < this.lex.any.count(rare1)) { rare2 = rare1; rare1 = fold; }
            else if (rare2 < 0 || c < this.lex.any.count(rare2)) rare2 = fold;
            if (detail) detail.restPairs.push(shortIsL ? [x, T[bestJ], bestSim] : [T[bestJ], x, bestSim]);
          } else if (bestJ >= 0 && (bestSim === Sim.Phon || bestSim === Sim.Jw85)) {
            weak++;
            used |= 1 << bestJ;
            if (detail) detail.restPairs.push(shortIsL ? [x, T[bestJ], bestSim] : [T[bestJ], x, bestSim]);
          }
        }
        if (strong === nS) rest = nS >= 2 ? REST_LEVEL.all2 : REST_LEVEL.all1;
        else if (strong > 0) rest = REST_LEVEL.some;
        else if (weak > 0) rest = REST_LEVEL.fuzzy;
        else rest = REST_LEVEL.none;
        weight += model.weights[F.REST][rest];
        if (rest <= REST_LEVEL.some && rare1 >= 0) {
          tfRest = this.tfAdjust('any', rare1);
          weight += tfRest;
        }
      }
    }
    if (detail) {
      detail.firstL = firstL;
      detail.firstR = firstR;
      detail.firstSim = firstSim;
      detail.firstVia = via;
      detail.tfFirst = tfFirst !== 0 ? this.lex.tfFold(tfTok) : -1;
      detail.joined = via === 'joined' ? (li2 === 1 ? [lt[0], lt[1], rf] : [rt[0], rt[1], lf]) : null;
    }
    const res = this.scratchRendering;
    res.first = first;
    res.rest = rest;
    res.tfFirst = tfFirst;
    res.tfRest = tfRest;
    res.weight = weight;
    return res;
  }

  // ----------------------------------------------------------- parents ---

  /**
   * Parent-name level. 'full' needs the first name and another token to agree,
   * where that token is not part of either child's own name (a family name
   * shared by parent and child is already counted in name.rest).
   */
  private parentLevel(L: PName | null, R: PName | null, childA: PName | null, childB: PName | null): number {
    this.parentA = -1;
    this.parentB = -1;
    this.parentTf = 0;
    if (!L || !R) return -1;
    let best = -1;
    for (let x = 0; x < 2; x++) {
      const lt = x === 0 ? L.all : L.orig;
      if (lt.length === 0) continue;
      for (let y = 0; y < 2; y++) {
        const rt = y === 0 ? R.all : R.orig;
        if (rt.length === 0) continue;
        const s = this.sim(lt[0], rt[0]);
        let level: number;
        if (s <= Sim.Jw92) {
          let restStrong = false;
          for (let i = 1; i < lt.length && !restStrong; i++) {
            if (this.inName(lt[i], childA) || this.inName(lt[i], childB)) continue;
            for (let j = 1; j < rt.length; j++) if (this.sim(lt[i], rt[j]) <= Sim.Jw92) { restStrong = true; break; }
          }
          level = restStrong ? PARENT_LEVEL.full : PARENT_LEVEL.first;
        } else if (s === Sim.Phon || s === Sim.Jw85) level = PARENT_LEVEL.fuzzy;
        else level = PARENT_LEVEL.disagree;
        if (best < 0 || level < best) {
          best = level;
          this.parentA = lt[0];
          this.parentB = rt[0];
          this.parentTf = level <= PARENT_LEVEL.first && s === Sim.Exact ? this.tfAdjust('parent', this.lex.tfFold(lt[0])) : 0;
        }
      }
    }
    return best;
  }
  private parentA = -1;
  private parentB = -1;
  private parentTf = 0;

  private inName(tok: number, n: PName | null): boolean {
    if (!n) return false;
    const f = this.lex.tokFold.data[tok];
    for (const t of n.all) if (this.lex.tokFold.data[t] === f) return true;
    for (const t of n.orig) if (this.lex.tokFold.data[t] === f) return true;
    return false;
  }

  private siblingsLevel(L: PName[], R: PName[]): number {
    if (L.length === 0 || R.length === 0) return -1;
    for (const a of L) for (const b of R) {
      const ta = firstToken(a);
      const tb = firstToken(b);
      if (ta !== undefined && tb !== undefined && this.sim(ta, tb) <= Sim.Jw92) return 0;
    }
    return 1;
  }

  private crossSiblingLevel(q: Prepared, c: Prepared): number {
    if (q.siblings.length === 0 && c.siblings.length === 0) return -1;
    const inList = (n: PName, list: PName[]) => {
      const t = firstToken(n);
      if (t === undefined) return false;
      for (const s of list) {
        const u = firstToken(s);
        if (u !== undefined && this.sim(t, u) <= Sim.Jw92) return true;
      }
      return false;
    };
    if (inList(q.name, c.siblings) || inList(c.name, q.siblings)) return 0;
    return 1;
  }

  /**
   * Patronymic naming (Arabic, Somali, Tigrinya, Pashto…): a child's second name
   * is the father's given name, its third the grandfather's. True when `a` names
   * its father and that father's name is among `b`'s other name tokens:
   * - `withOwnRest` false: `a` gives only a first name; the father's given name counts;
   * - `withOwnRest` true: `a` has other names too (they disagree with `b`'s); the father's
   *   given or second name counts (`b` may name the child by its grandfather).
   */
  private fatherInName(a: Prepared, b: Prepared, withOwnRest: boolean): boolean {
    return this.fatherNameFound(a, b, withOwnRest) !== null;
  }

  /** the (father's token, `b`'s name token) pair behind `fatherInName`, or null */
  private fatherNameFound(a: Prepared, b: Prepared, withOwnRest: boolean): [number, number] | null {
    if (!a.father || b.name.all.length < 2) return null;
    if (!withOwnRest && a.name.all.length > 1) return null;
    const ft = a.father.all.length > 0 ? a.father.all : a.father.orig;
    const nf = Math.min(withOwnRest ? 2 : 1, ft.length);
    for (let i = 0; i < nf; i++) {
      for (let j = 1; j < b.name.all.length; j++) if (this.sim(ft[i], b.name.all[j]) <= Sim.Jw92) return [ft[i], b.name.all[j]];
    }
    return null;
  }

  // ------------------------------------------------------------ others ---

  static birthLevel(q: Prepared, c: Prepared): number {
    if (q.birthKind === BirthKind.None || c.birthKind === BirthKind.None) return -1;
    const gap = Math.max(0, Math.max(q.birthLo, c.birthLo) - Math.min(q.birthHi, c.birthHi));
    if (q.birthKind === BirthKind.Estimated || c.birthKind === BirthKind.Estimated) {
      return gap === 0 ? BIRTH_LEVEL.e0 : gap <= 12 ? BIRTH_LEVEL.e1 : gap <= 24 ? BIRTH_LEVEL.e2 : gap <= 48 ? BIRTH_LEVEL.e4 : BIRTH_LEVEL.efar;
    }
    if (q.birthKind === BirthKind.Full && c.birthKind === BirthKind.Full) {
      if (q.dob === c.dob) return BIRTH_LEVEL.exact;
      const qy = Math.floor(q.dob / 10000), cy = Math.floor(c.dob / 10000);
      const qm = Math.floor(q.dob / 100) % 100, cm = Math.floor(c.dob / 100) % 100;
      const qd = q.dob % 100, cd = c.dob % 100;
      if (qy === cy && qm === cd && qd === cm) return BIRTH_LEVEL['dm-swap'];
      if (qy === cy && qm === cm) return BIRTH_LEVEL.ym;
      if (qy === cy) return BIRTH_LEVEL.y;
    } else if (q.birthKind >= BirthKind.YearMonth && c.birthKind >= BirthKind.YearMonth && q.birthLo === c.birthLo) {
      return BIRTH_LEVEL.ym;
    }
    if (gap === 0) return BIRTH_LEVEL.y;
    const d = Math.abs(q.birthLo - c.birthLo) <= 15 || gap <= 12 ? 12 : gap;
    return d <= 12 ? BIRTH_LEVEL.y1 : d <= 24 ? BIRTH_LEVEL.y2 : d <= 48 ? BIRTH_LEVEL.y4 : BIRTH_LEVEL.far;
  }

  private placeLevel(a: PPlace | null, b: PPlace | null): { level: number; code: number } {
    if (!a || !b) return NO_PLACE;
    const pool = this.pool;
    if (a.pcode >= 0 && b.pcode >= 0) {
      if (a.pcode === b.pcode) {
        // reused: `compare` reads it before the next call
        const exact = this.placeExact;
        exact.code = a.pcode;
        return exact;
      }
      const x = pool.get(a.pcode)!;
      const y = pool.get(b.pcode)!;
      if (!samePrefix2(x, y)) return PL_DISAGREE;
      let k = 2;
      while (k < x.length && k < y.length && x.charCodeAt(k) === y.charCodeAt(k)) k++; // (no one-character strings)
      const common = k - 2;
      if (common >= 4) return PL_ADMIN2;
      if (common >= 2) return PL_ADMIN1;
      return PL_COUNTRY;
    }
    const ra = this.admin1Of(a);
    const rb = this.admin1Of(b);
    const diffCountry = a.country >= 0 && b.country >= 0 && a.country !== b.country;
    if (a.text.length > 0 && b.text.length > 0) {
      for (const s of a.text) for (const t of b.text) if (this.sim(s, t) <= Sim.Jw92) return PL_TEXT;
    }
    if (ra >= 0 && rb >= 0) {
      if (ra === rb) return PL_ADMIN1;
      if (diffCountry || !samePrefix2(this.pool.get(ra)!, this.pool.get(rb)!)) return PL_DISAGREE;
      return PL_TEXT_DISAGREE;
    }
    if (a.text.length > 0 && b.text.length > 0) return diffCountry ? PL_DISAGREE : PL_TEXT_DISAGREE;
    if (a.country >= 0 && b.country >= 0) return a.country === b.country ? PL_COUNTRY : PL_DISAGREE;
    return NO_PLACE;
  }

  private readonly placeExact = { level: PLACE_LEVEL.exact, code: -1 };
  private readonly admin1Cache = new Map<number, number>();
  /** admin-1 P-code (pool id) of a place: from its P-code, else learned from its text (-1 unknown) */
  admin1Of(p: PPlace): number {
    if (p.pcode >= 0) return this.admin1OfPcode(p.pcode);
    return p.text.length > 0 ? this.inferAdmin1(p.text) : -1;
  }

  /** admin-1 P-code (pool id) of a recorded P-code (pool id) */
  admin1OfPcode(pcode: number): number {
    let id = this.admin1Cache.get(pcode);
    if (id === undefined) {
      const code = this.pool.get(pcode)!;
      id = code.length >= 4 ? this.pool.intern(code.slice(0, 4)) : -1;
      this.admin1Cache.set(pcode, id);
    }
    return id;
  }

  /** learned gazetteer: place-name tokens → admin-1 P-code (set by the engine) */
  inferAdmin1: (textTokens: number[]) => number = () => -1;

  /** TF counts for P-codes live in the engine (pcode pool id → count). */
  pcodeAdjust: (code: number) => number = () => 0;

  // -------------------------------------------------------------- main ---

  /** Fill `out` with the comparison vector of (q, c). */
  compare(q: Prepared, c: Prepared, out: Comparison): void {
    out.reset();
    const lv = out.levels;
    const tf = out.tf;
    const nr = this.compareNames(q.name, c.name, null);
    if (nr.first >= 0) {
      lv[F.FIRST] = nr.first;
      tf[F.FIRST] = nr.tfFirst;
    }
    if (nr.rest >= 0) {
      lv[F.REST] = nr.rest;
      tf[F.REST] = nr.tfRest;
      // patronymic used as family name: "Muhammad Adil" vs "Muhammad Sahhaf" whose father is
      // "Adil Hosayn" — the rest-of-names disagree only because the records name different
      // generations; only for models fitted with this meaning of the level
      if (nr.rest === REST_LEVEL.none && nr.first >= 0 && this.model.json.comparators?.viaFatherWhenRestDisagrees
        && (this.fatherInName(q, c, true) || this.fatherInName(c, q, true))) {
        lv[F.REST] = REST_LEVEL.viaFather;
        tf[F.REST] = 0;
      }
    } else if (nr.first >= 0 && (this.fatherInName(q, c, false) || this.fatherInName(c, q, false))) {
      lv[F.REST] = REST_LEVEL.viaFather;
    }
    lv[F.BIRTH] = Comparer.birthLevel(q, c);
    if (q.sex > 0 && c.sex > 0) lv[F.SEX] = q.sex === c.sex ? 0 : 1;
    const o = this.placeLevel(q.origin, c.origin);
    lv[F.ORIGIN] = o.level;
    if (o.code >= 0) tf[F.ORIGIN] = this.pcodeAdjust(o.code);
    const sp = this.placeLevel(q.separation, c.separation);
    lv[F.SEP_PLACE] = sp.level;
    if (sp.code >= 0) tf[F.SEP_PLACE] = this.pcodeAdjust(sp.code);
    if (q.sepDate !== NO_DATE && c.sepDate !== NO_DATE) {
      const d = Math.abs(q.sepDate - c.sepDate);
      lv[F.SEP_DATE] = d <= 7 ? 0 : d <= 31 ? 1 : d <= 92 ? 2 : d <= 365 ? 3 : 4;
    }
    lv[F.MOTHER] = this.parentLevel(q.mother, c.mother, q.name, c.name);
    tf[F.MOTHER] = this.parentTf;
    lv[F.FATHER] = this.parentLevel(q.father, c.father, q.name, c.name);
    tf[F.FATHER] = this.parentTf;
    lv[F.SIBLINGS] = this.siblingsLevel(q.siblings, c.siblings);
    lv[F.CROSS_SIB] = this.crossSiblingLevel(q, c);
    if (q.languages.length > 0 && c.languages.length > 0) {
      let agree = false;
      for (const l of q.languages) if (c.languages.includes(l)) { agree = true; break; }
      lv[F.LANGUAGES] = agree ? 0 : 1;
    }
    if (q.nationality >= 0 && c.nationality >= 0) lv[F.NATIONALITY] = q.nationality === c.nationality ? 0 : 1;
  }

  /**
   * Weight of one field: sibling model = log2(mSibling/u) + TF; same-child model
   * = calibrated level weight + tfScale·TF (plain log2(m/u) + TF without calibration).
   */
  fieldWeight(cmp: Comparison, f: number, sibling: boolean): number {
    const l = cmp.levels[f];
    if (l < 0) return 0;
    const m = this.model;
    if (sibling) return m.siblingWeights[f][l] + cmp.tf[f];
    return m.calibrated[f][l] + m.tfScale * cmp.tf[f];
  }

  /** Sum of field weights (match model or sibling model), without the prior. */
  weightSum(cmp: Comparison, sibling = false): number {
    let s = 0;
    for (let i = 0; i < NFIELDS; i++) s += this.fieldWeight(cmp, i, sibling);
    return s;
  }

  // ------------------------------------------------------- explanation ---

  private tokStr(t: number): string {
    return this.lex.tokNorm[t] ?? '?';
  }

  private nameNorm(n: PName | null, orig = false): string | undefined {
    if (!n) return undefined;
    const toks = orig ? n.orig : nameTokens(n);
    return toks.map((t) => this.lex.foldString(t)).join(' ') || undefined;
  }

  private simNote(a: number, b: number, s: Sim): string {
    const A = this.tokStr(a);
    const B = this.tokStr(b);
    switch (s) {
      case Sim.Exact:
        return A === B ? `${A} = ${B}` : `${A} ≈ ${B} (same after romanisation folding: ${this.lex.foldString(a)})`;
      case Sim.Variant: {
        const lex = this.lex;
        const fa = lex.tokFold.data[a], fb = lex.tokFold.data[b];
        const g = this.sharedGroup(fa, lex.tokAltFold.data[a], fb, lex.tokAltFold.data[b]);
        const v = lex.variants;
        const info = g >= 0 ? v.groups[g] : undefined;
        const dim = g >= 0 && (v.isDiminutive(lex.foldStr[fa], g) || v.isDiminutive(lex.foldStr[fb], g));
        const src = info?.source === 'wikidata' ? 'variant table, Wikidata-derived' : 'variant table';
        return `name ${dim ? 'diminutive' : 'variant'}: ${A} ≈ ${B} (${src}: ${info?.label ?? '?'})`;
      }
      case Sim.Jw92:
      case Sim.Jw85:
      case Sim.Jw70:
        return `${A} ~ ${B} (Jaro-Winkler ${this.bestJw(a, b).toFixed(2)})`;
      case Sim.Phon:
        return `${A} ~ ${B} (same phonetic key ${this.lex.phonStr[this.lex.foldPhon.data[this.lex.tokFold.data[a]]]})`;
      default:
        return `${A} ≠ ${B}`;
    }
  }

  private bestJw(a: number, b: number): number {
    const lex = this.lex;
    return this.jwOfFolds(lex.tokFold.data[a], lex.tokAltFold.data[a], lex.tokFold.data[b], lex.tokAltFold.data[b]);
  }

  /** the best Jaro-Winkler of two tokens' folded forms (and alternative readings, -1 for none) */
  private jwOfFolds(fa: number, aa: number, fb: number, ab: number): number {
    const str = this.lex.foldStr;
    let jw = nameJw(str[fa], str[fb]);
    if (aa >= 0) jw = Math.max(jw, nameJw(str[aa], str[fb]));
    if (ab >= 0) jw = Math.max(jw, nameJw(str[fa], str[ab]));
    return jw;
  }

  private tfNote(table: 'first' | 'any' | 'parent', fold: number, adj: number): string {
    const f = this.lex[table].frequency(fold);
    return `frequency ${(100 * f).toFixed(f < 0.001 ? 3 : 2)}% (term-frequency adjustment ${adj >= 0 ? '+' : ''}${adj.toFixed(2)})`;
  }

  /**
   * Per-field explanation of a comparison. `sibling` selects the sibling model's
   * weights. Entries are in FIELDS order (missing fields included with weight 0).
   */
  explain(q: Prepared, c: Prepared, cmp: Comparison, sibling: boolean): FieldComparison[] {
    const pool = this.pool;
    const out: FieldComparison[] = [];
    const detail: NameDetail = { firstL: -1, firstR: -1, firstSim: Sim.None, firstVia: 'first', joined: null, restPairs: [], rendering: 'latin', tfFirst: -1, tfRest: [] };
    this.compareNames(q.name, c.name, detail);
    const w = (f: number) => this.fieldWeight(cmp, f, sibling);
    const lvl = (f: number) => (cmp.levels[f] >= 0 ? FIELDS[f].levels[cmp.levels[f]] : 'missing');
    const useOrig = detail.rendering.startsWith('original');
    const useOrigR = detail.rendering.endsWith('~original') || detail.rendering === 'original';
    // name.first
    {
      const notes: string[] = [];
      if (cmp.levels[F.FIRST] >= 0 && detail.firstL >= 0) {
        const via = detail.firstVia === 'first' ? '' : detail.firstVia === 'nickname' ? 'nickname: ' : detail.firstVia === 'pet-name' ? 'a pet name on one side, no evidence either way: ' : detail.firstVia === 'swapped' ? 'given/family swapped: ' : 'found in another name position: ';
        const j = detail.joined;
        notes.push(j ? `a compound given name written as two names on one side: ${this.lex.tokNorm[j[0]]} + ${this.lex.tokNorm[j[1]]} ~ ${this.lex.tokNorm[j[2]]}` +
          ` (joined, Jaro-Winkler ${jaroWinkler(fold(this.lex.tokNorm[j[0]] + this.lex.tokNorm[j[1]]), this.lex.foldString(j[2])).toFixed(2)})`
          : via + this.simNote(detail.firstL, detail.firstR, detail.firstSim));
        if (detail.rendering !== 'latin') notes.push(`compared in ${detail.rendering.replace('~', ' vs ')} script rendering`);
        if (cmp.tf[F.FIRST] !== 0) notes.push(this.tfNote('first', this.lex.tfFold(detail.firstL), cmp.tf[F.FIRST]));
      }
      out.push({
        field: 'name.first',
        left: q.text.get(q.name.raw), right: c.text.get(c.name.raw),
        leftNormalised: this.nameNorm(q.name, useOrig), rightNormalised: this.nameNorm(c.name, useOrigR),
        level: lvl(F.FIRST), weight: w(F.FIRST), note: notes.join('; ') || undefined,
      });
    }
    // name.rest
    {
      let notes: string[];
      if (cmp.levels[F.REST] === REST_LEVEL.viaFather) {
        const ownRest = q.name.all.length > 1 && c.name.all.length > 1;
        const found = this.fatherNameFound(q, c, ownRest) ?? this.fatherNameFound(c, q, ownRest);
        notes = [ownRest
          ? "the other names disagree, but one record's father's given or second name appears among the other's names (patronymic used as family name)"
          : "one record gives only a first name; its father's given name appears among the other's names (patronymic naming)"];
        if (found) notes.push(`father's name ${this.simNote(found[0], found[1], this.sim(found[0], found[1]))}`);
      } else {
        notes = detail.restPairs.map(([a, b, s]) => this.simNote(a, b, s));
      }
      if (cmp.tf[F.REST] !== 0) notes.push(`term-frequency adjustment ${cmp.tf[F.REST] >= 0 ? '+' : ''}${cmp.tf[F.REST].toFixed(2)}`);
      out.push({
        field: 'name.rest',
        left: q.text.get(q.name.origRaw),
        right: c.text.get(c.name.origRaw),
        level: lvl(F.REST), weight: w(F.REST), note: notes.join('; ') || undefined,
      });
    }
    // birth
    {
      const fmt = (p: Prepared) => {
        if (p.birthKind === BirthKind.None) return undefined;
        if (p.birthKind === BirthKind.Estimated) return `age ~${(p.age100 / 100).toString()} on ${p.text.get(p.ageOn) ?? '?'}`;
        return p.text.get(p.dobRaw);
      };
      const norm = (p: Prepared) => {
        if (p.birthKind === BirthKind.None) return undefined;
        const m = (x: number) => `${Math.floor(x / 12)}-${String((x % 12) + 1).padStart(2, '0')}`;
        return p.birthLo === p.birthHi ? m(p.birthLo) : `${m(p.birthLo)}..${m(p.birthHi)}`;
      };
      const l = lvl(F.BIRTH);
      const note = l === 'dm-swap' ? 'day and month swapped' : l.startsWith('e') ? 'estimated age compared with date of birth interval' : undefined;
      out.push({ field: 'birth', left: fmt(q), right: fmt(c), leftNormalised: norm(q), rightNormalised: norm(c), level: l, weight: w(F.BIRTH), note });
    }
    const sexName = ['unknown', 'male', 'female', 'other'];
    out.push({ field: 'sex', left: sexName[q.sex], right: sexName[c.sex], level: lvl(F.SEX), weight: w(F.SEX) });
    for (const [f, name, a, b] of [[F.ORIGIN, 'origin', q.origin, c.origin], [F.SEP_PLACE, 'separation.place', q.separation, c.separation]] as const) {
      const notes: string[] = [];
      if (cmp.tf[f] !== 0) notes.push(`term-frequency adjustment ${cmp.tf[f] >= 0 ? '+' : ''}${cmp.tf[f].toFixed(2)}`);
      for (const p of [a, b]) {
        if (p && p.pcode < 0 && p.text.length > 0) {
          const r = this.inferAdmin1(p.text);
          if (r >= 0) notes.push(`"${p.text.map((t) => this.tokStr(t)).join(' ')}" is in ${this.pool.get(r)} (learned from records carrying both name and P-code)`);
        }
      }
      const note = notes.join('; ') || undefined;
      const n = (p: PPlace | null) => (p ? [pool.get(p.pcode), p.text.map((t) => this.lex.foldString(t)).join(' ')].filter(Boolean).join(' ') || undefined : undefined);
      out.push({ field: name, left: a ? q.text.get(a.raw) : undefined, right: b ? c.text.get(b.raw) : undefined, leftNormalised: n(a), rightNormalised: n(b), level: lvl(f), weight: w(f), note });
    }
    out.push({ field: 'separation.date', left: q.text.get(q.sepDateRaw), right: c.text.get(c.sepDateRaw), level: lvl(F.SEP_DATE), weight: w(F.SEP_DATE) });
    for (const [f, name, a, b, ai, bi] of [
      [F.MOTHER, 'mother', q.mother, c.mother, q.motherFromInquirer, c.motherFromInquirer],
      [F.FATHER, 'father', q.father, c.father, q.fatherFromInquirer, c.fatherFromInquirer],
    ] as const) {
      const notes: string[] = [];
      if (ai) notes.push('left: the inquirer');
      if (bi) notes.push('right: the inquirer');
      if (a && b && cmp.levels[f] >= 0) {
        this.parentLevel(a, b, q.name, c.name);
        const pa = this.parentA, pb = this.parentB;
        if (pa >= 0) notes.push(this.simNote(pa, pb, this.sim(pa, pb)));
        if (cmp.tf[f] !== 0 && pa >= 0) notes.push(this.tfNote('parent', this.lex.tfFold(pa), cmp.tf[f]));
      }
      out.push({
        field: name, left: a ? q.text.get(a.raw) : undefined, right: b ? c.text.get(b.raw) : undefined,
        leftNormalised: this.nameNorm(a), rightNormalised: this.nameNorm(b),
        level: lvl(f), weight: w(f), note: notes.join('; ') || undefined,
      });
    }
    const sibs = (p: Prepared) => (p.siblings.length ? p.siblings.map((s) => p.text.get(s.raw) ?? '?').join(', ') : undefined);
    out.push({ field: 'siblings', left: sibs(q), right: sibs(c), level: lvl(F.SIBLINGS), weight: w(F.SIBLINGS) });
    out.push({
      field: 'cross-sibling', left: q.text.get(q.name.raw), right: sibs(c), level: lvl(F.CROSS_SIB), weight: w(F.CROSS_SIB),
      note: cmp.levels[F.CROSS_SIB] === 0 ? "one child's name is listed among the other's siblings" : undefined,
    });
    const langs = (p: Prepared) => (p.languages.length ? p.languages.map((l) => pool.get(l)!.slice(5)).join(', ') : undefined);
    out.push({ field: 'languages', left: langs(q), right: langs(c), level: lvl(F.LANGUAGES), weight: w(F.LANGUAGES) });
    out.push({
      field: 'nationality', left: q.nationality >= 0 ? pool.get(q.nationality)!.slice(4) : undefined,
      right: c.nationality >= 0 ? pool.get(c.nationality)!.slice(4) : undefined, level: lvl(F.NATIONALITY), weight: w(F.NATIONALITY),
    });
    return out;
  }
}

export { SIM_NAMES, FIRST_LEVEL, REST_LEVEL, BIRTH_LEVEL, PLACE_LEVEL, PARENT_LEVEL };
