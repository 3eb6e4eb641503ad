/**
 * A Primero-like baseline scorer (primeroIMS/primero app/services/matching_service.rb,
 * as documented in ../shared/reference/domain.md §b), run on the same data:
 *
 * - every matchable value is indexed as lower-case text tokens; name and
 *   relation-name fields also as phonetic codes (Soundex here, standing in for
 *   Solr's DoubleMetaphone); non-Latin tokens stay raw (no transliteration);
 * - the query is an OR over all criteria with Primero's boosts (name 15, sex 10,
 *   age 10, relation names 10, date of birth 5, nationality/language 3, other
 *   fields 1), each matched term scoring boost × idf (Lucene classic);
 * - age and dates match as text tokens; places by exact token;
 * - top 20 hits, score normalised to the best hit; hits with normalised > 0.1
 *   kept; "likely" when it is the only hit kept or normalised − mean > 0.7.
 *
 * Only child ↔ sought matching (Primero's case ↔ trace); children without
 * consent for tracing are never candidates.
 */
import { MatchRecord, PersonName } from '../../libs/matching-engine/src/types';

function soundex(w: string): string {
  const s = w.toLowerCase().replace(/[^a-z]/g, '');
  if (!s) return '';
  const codes: Record<string, string> = { b: '1', f: '1', p: '1', v: '1', c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2', d: '3', t: '3', l: '4', m: '5', n: '5', r: '6' };
  let out = s[0].toUpperCase();
  let last = codes[s[0]] ?? '';
  for (let i = 1; i < s.length && out.length < 4; i++) {
    const c = codes[s[i]] ?? '';
    if (c && c !== last) out += c;
    if (s[i] !== 'h' && s[i] !== 'w') last = c;
  }
  return out.padEnd(4, '0');
}

const tokens = (s: string | undefined): string[] => (s ? s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean) : []);
const nameText = (n: PersonName | undefined): string[] =>
  n ? [n.given, n.middle, n.family, n.full, n.original, ...(n.nicknames ?? [])].flatMap((x) => tokens(x)) : [];
const withPhonetic = (ts: string[]) => [...ts, ...ts.filter((t) => /^[a-z]+$/.test(t)).map((t) => 'ph:' + soundex(t))];

function ageOf(r: MatchRecord): string | undefined {
  if (typeof r.estimatedAgeYears === 'number') return String(r.estimatedAgeYears);
  if (r.dateOfBirth) {
    const ref = Number((r.ageRecordedOn ?? r.dateOfSeparation ?? '2024').slice(0, 4));
    return String(ref - Number(r.dateOfBirth.slice(0, 4)));
  }
  return undefined;
}

const GROUPS: Array<[string, number, (r: MatchRecord) => string[]]> = [
  ['name', 15, (r) => withPhonetic(nameText(r.name))],
  ['sex', 10, (r) => (r.sex ? [r.sex] : [])],
  ['age', 10, (r) => { const a = ageOf(r); return a ? [a] : []; }],
  ['relation_name', 10, (r) => withPhonetic([...nameText(r.mother), ...nameText(r.father), ...nameText(r.inquirer?.name)])],
  ['date_of_birth', 5, (r) => (r.dateOfBirth ? [r.dateOfBirth] : [])],
  ['nationality', 3, (r) => (r.nationality ? [r.nationality.toLowerCase()] : [])],
  ['language', 3, (r) => (r.languages ?? []).map((l) => l.toLowerCase())],
  ['location', 1, (r) => [...tokens(r.placeOfOrigin?.text), ...tokens(r.placeOfOrigin?.pcode), ...tokens(r.placeOfSeparation?.text), ...tokens(r.placeOfSeparation?.pcode)]],
  ['date_of_separation', 1, (r) => (r.dateOfSeparation ? [r.dateOfSeparation] : [])],
];

export interface BaselineHit {
  id: string;
  normalised: number;
  likely: boolean;
}

export class PrimeroBaseline {
  private readonly ids: string[][] = [[], []];
  private readonly postings: Array<Array<Map<string, number[]>>> = [GROUPS.map(() => new Map()), GROUPS.map(() => new Map())];
  private readonly scores: Float64Array[] = [new Float64Array(0), new Float64Array(0)];

  add(r: MatchRecord): void {
    const side = r.side === 'sought' ? 1 : 0;
    if (side === 0 && !r.consentForTracing) return; // Primero: only consenting cases are candidates
    const n = this.ids[side].length;
    this.ids[side].push(r.id);
    GROUPS.forEach(([, , f], g) => {
      for (const t of new Set(f(r))) {
        const m = this.postings[side][g];
        let l = m.get(t);
        if (!l) m.set(t, (l = []));
        l.push(n);
      }
    });
  }

  /** Primero's potential matches for a record (top 20, normalised, likely flag). */
  match(r: MatchRecord): BaselineHit[] {
    if (r.side === 'child' && !r.consentForTracing) return [];
    const target = r.side === 'sought' ? 0 : 1;
    const N = this.ids[target].length;
    if (this.scores[target].length < N) this.scores[target] = new Float64Array(N);
    const sc = this.scores[target];
    const touched: number[] = [];
    GROUPS.forEach(([, boost, f], g) => {
      for (const t of new Set(f(r))) {
        const l = this.postings[target][g].get(t);
        if (!l) continue;
        const idf = 1 + Math.log(N / (l.length + 1));
        const w = boost * idf;
        for (const d of l) {
          if (sc[d] === 0) touched.push(d);
          sc[d] += w;
        }
      }
    });
    touched.sort((a, b) => sc[b] - sc[a]);
    const top = touched.slice(0, 20).map((d) => ({ d, s: sc[d] }));
    for (const d of touched) sc[d] = 0;
    if (top.length === 0) return [];
    const max = top[0].s;
    const all = top.map((x) => ({ id: this.ids[target][x.d], normalised: x.s / max }));
    const avg = all.reduce((a, h) => a + h.normalised, 0) / all.length;
    const hits = all.filter((h) => h.normalised > 0.1);
    return hits.map((h) => ({ ...h, likely: hits.length === 1 || h.normalised - avg > 0.7 }));
  }
}
