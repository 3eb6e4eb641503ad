/**
 * Safeguarding review of a model's name evidence: does the restriction check (a person the child's
 * agency said must not be told, apps/cases/src/domain/safeguarding.ts) still catch that person
 * when another agency writes their name, and how often does it flag someone else?
 *
 *   node -r @swc-node/register bench/matching/restrictions.ts [--families 4000] [--seed 7]
 *        [--model candidate.json | --model default] [--show 10] [--sweep] [--out results.json]
 *
 * The adults are the generator's parents (bench/matching/generator.ts), written as agencies write
 * them: each agency's romanisation convention and house spelling, typos, given/family swaps, a
 * `full` name only, the original script (sometimes only that), and the culture's name structures
 * (an Arabic or Somali parent may carry his father's given name as family name in one record and
 * the clan or grandfather's in another). For every parent:
 *  - same person: the restriction as agency A wrote it × an inquirer as agency B (≠ A) wrote the
 *    same parent → should be flagged (catch rate);
 *  - different person: the restriction × a different adult of the same culture and sex from
 *    another family, as agency B wrote them (random), and × one who shares the given name
 *    (Mohammed vs Mohammed) → should not be flagged (false-flag rates).
 * The restriction records the parent's role (`father` / `mother`, as the child's agency knows it).
 * Each pair is checked in three scenarios of what the inquirer claims:
 *  - names alone (no relation recorded: the check before relations were kept, and older facts);
 *  - same role: the inquirer says he is the child's father as the restricted father is (she, the
 *    mother) — for the same person the truth; for another adult a conflicting claim on the same
 *    child (a wrong proposal or a false claim), which a supervisor should see: its "false flag" is
 *    a refusal that asks for a review, not a wrong answer;
 *  - another role: the inquirer claims to be an uncle (aunt) — must behave as names alone.
 * "Flagged" = the real check: `checkRestrictions` with `NameMatcher.samePerson` and its default
 * thresholds (RESTRICTION_MATCH_THRESHOLD; SAME_ROLE_MATCH_THRESHOLD for the same unique role).
 * The check as shipped (NameMatcher's default: the name-evidence model) is always measured;
 * `--model` adds a candidate scored on the same pairs (a model file, or `default` for the shipped
 * matching model). `--sweep` adds catch and false-flag rates at other thresholds (what the same
 * check would do with another threshold on each model's evidence), names alone and same role.
 */
import * as fs from 'fs';
import { loadModel, MatchModel } from '../../libs/matching-engine/src/model';
import { defaultMatchModel } from '../../libs/matching-engine/src/engine';
import { NameMatcher } from '../../apps/cases/src/casework/name-matcher';
import {
  checkRestrictions, NameLike, RESTRICTION_MATCH_THRESHOLD, SAME_ROLE_MATCH_THRESHOLD,
} from '../../apps/cases/src/domain/safeguarding';
import { Actor } from '../../apps/cases/src/domain/actor';
import { AGENCIES, familyParents, GeneratedAdult, writeAdultName } from './generator';
import { hashSeed, Rng } from './rng';

const argv = process.argv.slice(2);
const arg = (n: string) => { const i = argv.indexOf('--' + n); return i >= 0 ? argv[i + 1] : undefined; };
const families = Number(arg('families') ?? 4000);
const seed = Number(arg('seed') ?? 7);
const show = Number(arg('show') ?? 0);
const modelFile = arg('model');
const outFile = arg('out');

type Kind = 'same' | 'other' | 'sameGiven';
/** `role`: the restricted parent's, recorded with the restriction */
interface Pair { kind: Kind; culture: string; role: 'father' | 'mother'; restricted: NameLike; inquirer: NameLike }

/** The pairs: deterministic in (seed, families). */
function pairs(): Pair[] {
  const adults: GeneratedAdult[] = [];
  for (let f = 0; f < families; f++) adults.push(...familyParents(seed, f));
  const byCultureSex = new Map<string, GeneratedAdult[]>();
  const byGiven = new Map<string, GeneratedAdult[]>();
  for (const a of adults) {
    const k = `${a.culture.id}/${a.truth.sex}`;
    (byCultureSex.get(k) ?? byCultureSex.set(k, []).get(k)!).push(a);
    const g = `${k}/${a.truth.given.c}`;
    (byGiven.get(g) ?? byGiven.set(g, []).get(g)!).push(a);
  }
  const out: Pair[] = [];
  adults.forEach((a, i) => {
    const rng = new Rng(hashSeed(seed, i, 4711));
    const agencyA = rng.int(0, AGENCIES.length - 1);
    const agencyB = (agencyA + rng.int(1, AGENCIES.length - 1)) % AGENCIES.length;
    const restricted = writeAdultName(a, agencyA, rng);
    const culture = a.culture.id;
    const role = a.role;
    out.push({ kind: 'same', culture, role, restricted, inquirer: writeAdultName(a, agencyB, rng) });
    const pool = byCultureSex.get(`${culture}/${a.truth.sex}`)!;
    let other = pool[rng.int(0, pool.length - 1)];
    for (let k = 0; k < 10 && other.family === a.family; k++) other = pool[rng.int(0, pool.length - 1)];
    if (other.family !== a.family) out.push({ kind: 'other', culture, role, restricted, inquirer: writeAdultName(other, agencyB, rng) });
    const namesakes = byGiven.get(`${culture}/${a.truth.sex}/${a.truth.given.c}`)!.filter((b) => b.family !== a.family);
    if (namesakes.length > 0) {
      out.push({ kind: 'sameGiven', culture, role, restricted, inquirer: writeAdultName(namesakes[rng.int(0, namesakes.length - 1)], agencyB, rng) });
    }
  });
  return out;
}

const actor: Actor = { id: 'restrictions-bench', role: 'coordinator', agencyId: 'bench' };

/** What the inquirer claims, against the restricted parent's recorded role. */
type Claim = 'namesAlone' | 'sameRole' | 'otherRole';
const CLAIMS: Array<{ claim: Claim; title: string }> = [
  { claim: 'namesAlone', title: 'names alone (no relation recorded: the check before relations, older facts)' },
  { claim: 'sameRole', title: 'inquirer claims the restricted parent’s role (father / mother)' },
  { claim: 'otherRole', title: 'inquirer claims another role (uncle / aunt)' },
];
const relations = (x: Pair, claim: Claim) => claim === 'namesAlone' ? {}
  : { restricted: x.role, inquirer: claim === 'sameRole' ? x.role : x.role === 'father' ? 'uncle' : 'aunt' };

/** probability and flag per pair and claim, with the real check */
function judge(ps: Pair[], model: MatchModel | undefined): { p: Float64Array; flagged: Record<Claim, Uint8Array> } {
  const samePerson = new NameMatcher(model).samePerson;
  const p = new Float64Array(ps.length);
  const flagged = { namesAlone: new Uint8Array(ps.length), sameRole: new Uint8Array(ps.length), otherRole: new Uint8Array(ps.length) };
  ps.forEach((x, i) => {
    p[i] = samePerson(x.restricted, x.inquirer);
    for (const { claim } of CLAIMS) {
      const r = relations(x, claim);
      flagged[claim][i] = checkRestrictions({
        restrictedPersons: [{ name: x.restricted, ...(r.restricted ? { relation: r.restricted } : {}) }],
        inquirer: { name: x.inquirer, ...(r.inquirer ? { relation: r.inquirer } : {}) },
        actor, samePerson: () => p[i],
      }).ok ? 0 : 1;
    }
  });
  return { p, flagged };
}

const ps = pairs();
const models: Array<{ label: string; model: MatchModel | undefined }> = [{ label: new NameMatcher().modelVersion + ' (the check as shipped)', model: undefined }];
if (modelFile) {
  // `default`: the shipped matching model (default-model.ts), as if the check used it
  const m = modelFile === 'default' ? defaultMatchModel() : loadModel(JSON.parse(fs.readFileSync(modelFile, 'utf8')));
  models.push({ label: m.json.modelVersion, model: m });
}
const t0 = Date.now();
const results = models.map((m) => ({ ...m, ...judge(ps, m.model) }));
const cultures = [...new Set(ps.map((x) => x.culture))].sort();

const rate = (flags: Uint8Array, sel: (x: Pair) => boolean) => {
  let n = 0, k = 0;
  ps.forEach((x, i) => { if (sel(x)) { n++; k += flags[i]; } });
  return { n, k, rate: n ? k / n : NaN };
};
const pct = (r: { k: number; n: number; rate: number }) => `${(100 * r.rate).toFixed(2)} % (${r.k}/${r.n})`;
const bitsOf = (p: number) => Math.log2(p / (1 - p)).toFixed(2);

console.log(`restriction check: thresholds ${RESTRICTION_MATCH_THRESHOLD} (${bitsOf(RESTRICTION_MATCH_THRESHOLD)} bits, names alone) and ${SAME_ROLE_MATCH_THRESHOLD} (${bitsOf(SAME_ROLE_MATCH_THRESHOLD)} bits, same unique role), seed ${seed}, ${families} families, ${ps.length} pairs (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
const summary: Record<string, Record<string, Record<string, unknown>>> = {};
for (const r of results) {
  summary[r.label] = {};
  for (const { claim, title } of CLAIMS) {
    console.log(`\n${r.label} — ${title}`);
    console.log(['culture'.padEnd(10), 'catch (same person)'.padEnd(24), 'false flag (other adult)'.padEnd(24), 'false flag (same given name)'].join(' | '));
    const rows: Record<string, unknown> = {};
    for (const c of [...cultures, 'all']) {
      const inC = (x: Pair) => c === 'all' || x.culture === c;
      const same = rate(r.flagged[claim], (x) => inC(x) && x.kind === 'same');
      const other = rate(r.flagged[claim], (x) => inC(x) && x.kind === 'other');
      const given = rate(r.flagged[claim], (x) => inC(x) && x.kind === 'sameGiven');
      console.log([c.padEnd(10), pct(same).padEnd(24), pct(other).padEnd(24), pct(given)].join(' | '));
      rows[c] = { catch: same, falseFlagOther: other, falseFlagSameGiven: given };
    }
    summary[r.label][claim] = rows;
  }
}

if (argv.includes('--sweep')) {
  const sweep = (title: string, bits: number[]) => {
    console.log(`\n${title}: catch / false flag other / false flag same given name, all cultures`);
    for (const r of results) {
      const cells = bits.map((b) => {
        const t = 1 / (1 + 2 ** -b);
        const at = (kind: Kind) => {
          let n = 0, k = 0;
          ps.forEach((x, i) => { if (x.kind === kind) { n++; if (r.p[i] >= t) k++; } });
          return (100 * k / n).toFixed(1);
        };
        return `${b}: ${at('same')} / ${at('other')} / ${at('sameGiven')}`;
      });
      console.log(`${r.label}\n  ${cells.join('\n  ')}`);
    }
  };
  sweep(`names-alone threshold sweep (bits of name evidence; ${RESTRICTION_MATCH_THRESHOLD} = ${bitsOf(RESTRICTION_MATCH_THRESHOLD)} bits)`, [5, 5.5, 5.9, 6.04, 6.2, 6.5, 7, 7.5, 8]);
  // the same-role check flags p ≥ the same-role threshold (the names-alone one is higher)
  sweep(`same-role threshold sweep (bits; ${SAME_ROLE_MATCH_THRESHOLD} = ${bitsOf(SAME_ROLE_MATCH_THRESHOLD)} bits)`, [-2, 0, 0.04, 0.06, 0.58, 0.74, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]);
}

if (results.length === 2 && show > 0) {
  const [a, b] = results;
  const fmt = (n: NameLike) => n.full ?? ([n.given, n.middle, n.family].filter(Boolean).join(' ') || n.original || '');
  for (const [title, sel] of [
    [`caught by ${a.label} only`, (i: number) => ps[i].kind === 'same' && a.flagged.namesAlone[i] && !b.flagged.namesAlone[i]],
    [`caught by ${b.label} only`, (i: number) => ps[i].kind === 'same' && !a.flagged.namesAlone[i] && b.flagged.namesAlone[i]],
    [`false flags of ${b.label} only`, (i: number) => ps[i].kind !== 'same' && !a.flagged.namesAlone[i] && b.flagged.namesAlone[i]],
    [`false flags of ${a.label} only`, (i: number) => ps[i].kind !== 'same' && a.flagged.namesAlone[i] && !b.flagged.namesAlone[i]],
  ] as const) {
    const idx = ps.map((_, i) => i).filter(sel);
    console.log(`\n${title}: ${idx.length}`);
    for (const i of idx.slice(0, show)) {
      console.log(`  ${ps[i].culture.padEnd(10)} ${JSON.stringify(fmt(ps[i].restricted))} × ${JSON.stringify(fmt(ps[i].inquirer))}  p ${a.p[i].toFixed(4)} → ${b.p[i].toFixed(4)}`);
    }
  }
}

if (outFile) {
  // `models`: names alone, as the file held before relations; `byClaim`: every scenario
  const namesAlone = Object.fromEntries(Object.entries(summary).map(([label, byClaim]) => [label, byClaim.namesAlone]));
  fs.writeFileSync(outFile, JSON.stringify({
    seed, families, threshold: RESTRICTION_MATCH_THRESHOLD, sameRoleThreshold: SAME_ROLE_MATCH_THRESHOLD, pairs: ps.length, models: namesAlone, byClaim: summary,
  }, null, 2) + '\n');
}
