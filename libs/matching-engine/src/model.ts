/**
 * Fellegi–Sunter model: comparison fields, their graded levels, m/u
 * probabilities per level (m = P(level | same child), u = P(level | random
 * pair of different children), mSibling = P(level | siblings)), base rates
 * and thresholds. The JSON form is what ships (src/model/default-model.ts)
 * and what `estimate*` functions produce; `loadModel` validates it.
 */
import { MatchKind } from './types';

export interface FieldSpec {
  readonly name: string;
  readonly levels: readonly string[];
  /** levels whose weight gets a term-frequency adjustment */
  readonly tf: readonly string[];
  readonly description: string;
}

export const FIELDS: readonly FieldSpec[] = [
  {
    name: 'name.first',
    levels: ['exact', 'variant', 'jw92', 'nickname', 'swapped', 'phonetic', 'elsewhere', 'jw85', 'jw70', 'none'],
    tf: ['exact', 'variant', 'jw92', 'swapped', 'phonetic'],
    description: 'personal (first given) name; swapped = given/family reversed; elsewhere = found in another name position',
  },
  {
    name: 'name.rest',
    levels: ['all2', 'all1', 'some', 'fuzzy', 'none', 'via-father'],
    tf: ['all2', 'all1', 'some'],
    description: "remaining name tokens (middle, father/grandfather, family, clan) as a token set; via-father = patronymic naming: one record's father's given (or second) name is among the other's names, and the record gives no other name (or, with comparators.viaFatherWhenRestDisagrees, its other names disagree)",
  },
  {
    name: 'birth',
    levels: ['exact', 'dm-swap', 'ym', 'y', 'y1', 'y2', 'y4', 'far', 'e0', 'e1', 'e2', 'e4', 'efar'],
    tf: [],
    description: 'date of birth / estimated age (e* levels: at least one side is an estimated age)',
  },
  { name: 'sex', levels: ['agree', 'disagree'], tf: [], description: 'sex' },
  {
    name: 'origin',
    levels: ['exact', 'admin2', 'admin1', 'country', 'text', 'text-disagree', 'disagree'],
    tf: ['exact'],
    description: 'place of origin: P-code hierarchy, else free text',
  },
  {
    name: 'separation.place',
    levels: ['exact', 'admin2', 'admin1', 'country', 'text', 'text-disagree', 'disagree'],
    tf: ['exact'],
    description: 'place of separation',
  },
  { name: 'separation.date', levels: ['d7', 'd31', 'd92', 'd365', 'far'], tf: [], description: 'date of separation' },
  {
    name: 'mother',
    levels: ['full', 'first', 'fuzzy', 'disagree'],
    tf: ['full', 'first'],
    description: "mother's name (a tracing request's inquirer counts when the relation is mother)",
  },
  {
    name: 'father',
    levels: ['full', 'first', 'fuzzy', 'disagree'],
    tf: ['full', 'first'],
    description: "father's name (or the inquirer when the relation is father)",
  },
  { name: 'siblings', levels: ['agree', 'disagree'], tf: [], description: 'named siblings' },
  {
    name: 'cross-sibling',
    levels: ['listed', 'not-listed'],
    tf: [],
    description: "one child's name appears among the other record's siblings (evidence of siblings, against same child)",
  },
  { name: 'languages', levels: ['agree', 'disagree'], tf: [], description: 'spoken languages overlap' },
  { name: 'nationality', levels: ['agree', 'disagree'], tf: [], description: 'nationality' },
];

export const FIELD_INDEX: Record<string, number> = Object.fromEntries(FIELDS.map((f, i) => [f.name, i]));
export const F = {
  FIRST: 0, REST: 1, BIRTH: 2, SEX: 3, ORIGIN: 4, SEP_PLACE: 5, SEP_DATE: 6,
  MOTHER: 7, FATHER: 8, SIBLINGS: 9, CROSS_SIB: 10, LANGUAGES: 11, NATIONALITY: 12,
} as const;

export function levelIndex(field: number, level: string): number {
  const i = FIELDS[field].levels.indexOf(level);
  if (i < 0) throw new Error(`unknown level ${level} for ${FIELDS[field].name}`);
  return i;
}

export interface LevelParams {
  m: number;
  u: number;
  mSibling?: number;
}

export interface MatchModelJson {
  modelVersion: string;
  description?: string;
  /** expected number of true partners per record on the searched side (base rates) */
  prior: Record<MatchKind, number> & { minPopulation: number };
  fields: Record<string, Record<string, LevelParams>>;
  tf: { minPopulation: number; maxAdjustment: number };
  proposalThreshold: number;
  siblingThreshold: number;
  /**
   * Dependence calibration (optional): Fellegi–Sunter assumes fields are
   * independent given the match status; names, parents and places of one
   * family are not. Fitted jointly on labelled candidate pairs (logistic
   * regression regularised toward the Fellegi–Sunter weights):
   * - same child vs unrelated: a weight per field level (levelWeights, or
   *   fieldScale × log2(m/u)), TF adjustments × tfScale, plus intercept;
   * - same child vs siblings: a weight per field level (siblingLevelWeights, or
   *   siblingFieldScale × log2(m/mSibling)), plus siblingIntercept.
   * Absent = plain Fellegi–Sunter.
   */
  calibration?: {
    levelWeights?: Record<string, Record<string, number>>;
    fieldScale?: Record<string, number>;
    tfScale: number;
    intercept: number;
    siblingLevelWeights?: Record<string, Record<string, number>>;
    siblingFieldScale?: Record<string, number>;
    siblingIntercept?: number;
    fittedOn?: unknown;
  };
  /**
   * Calibration of the one-to-one posterior (optional): after competing candidates share the
   * evidence (engine.ts `compete`), P = sigmoid2(slope · log2odds(P) + intercept). Fitted by
   * bench/matching/train.ts on the candidates of training queries. Absent = identity.
   * - bySize (optional, since kinlink-fs-1.5.0): the stage fitted at several population sizes
   *   (records stored on the candidate's side, ascending); slope and intercept are interpolated
   *   linearly in log2 N between entries and held at the nearest entry outside the table (see
   *   `oneToOneAt`). Absent = slope and intercept at every size, as before.
   */
  oneToOne?: { slope: number; intercept: number; bySize?: OneToOneAtSize[]; fittedOn?: unknown };
  /**
   * What some levels mean — part of the model, because its weights were fitted for that meaning
   * (absent = as before kinlink-fs-1.4.0).
   * - viaFatherWhenRestDisagrees: `name.rest` is `via-father` also when both records have other
   *   names that disagree (`none`) but one record's father's given or second name is among the
   *   other's names (since kinlink-fs-1.4.0); otherwise only when one record gives no other name.
   */
  comparators?: { viaFatherWhenRestDisagrees?: boolean };
  estimatedFrom?: unknown;
}

/** the one-to-one calibration fitted at one population size (records per side) */
export interface OneToOneAtSize {
  population: number;
  slope: number;
  intercept: number;
}

export interface MatchModel {
  readonly json: MatchModelJson;
  readonly modelVersion: string;
  /** weights[field][level] = log2(m/u) */
  readonly weights: Float64Array[];
  /** siblingWeights[field][level] = log2(mSibling/u) */
  readonly siblingWeights: Float64Array[];
  readonly tfLevel: Uint8Array[];
  readonly prior: MatchModelJson['prior'];
  readonly tf: MatchModelJson['tf'];
  readonly proposalThreshold: number;
  readonly siblingThreshold: number;
  /** same child vs unrelated weight per field level after dependence calibration (= weights without it) */
  readonly calibrated: Float64Array[];
  readonly tfScale: number;
  readonly intercept: number;
  /** per-field log2(m/mSibling) (same child vs siblings), already scaled by siblingFieldScale */
  readonly discriminator: Float64Array[];
  readonly siblingIntercept: number;
  /** calibration of the one-to-one posterior (null = identity); `bySize` null = the same at every size */
  readonly oneToOne: { slope: number; intercept: number; bySize: readonly OneToOneAtSize[] | null } | null;
}

const KINDS: MatchKind[] = ['child-sought', 'duplicate-child', 'same-sought-child', 'possible-sibling'];

function prob(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0 || x > 1) throw new Error(`model: ${what} must be a probability in (0,1], got ${String(x)}`);
  return x;
}

/** Validate a model JSON (e.g. the shipped file, or one re-estimated by a deployment). */
export function loadModel(json: unknown): MatchModel {
  if (!json || typeof json !== 'object') throw new Error('model: not an object');
  const j = json as MatchModelJson;
  if (typeof j.modelVersion !== 'string' || !j.modelVersion) throw new Error('model: modelVersion missing');
  if (!j.prior || typeof j.prior !== 'object') throw new Error('model: prior missing');
  for (const k of KINDS) if (typeof j.prior[k] !== 'number' || !(j.prior[k] > 0)) throw new Error(`model: prior.${k} missing`);
  if (!j.fields || typeof j.fields !== 'object') throw new Error('model: fields missing');
  const weights: Float64Array[] = [];
  const siblingWeights: Float64Array[] = [];
  const tfLevel: Uint8Array[] = [];
  for (const spec of FIELDS) {
    const fj = j.fields[spec.name];
    if (!fj) throw new Error(`model: field ${spec.name} missing`);
    const w = new Float64Array(spec.levels.length);
    const ws = new Float64Array(spec.levels.length);
    const t = new Uint8Array(spec.levels.length);
    spec.levels.forEach((lv, i) => {
      const p = fj[lv];
      if (!p) throw new Error(`model: ${spec.name}.${lv} missing`);
      const m = prob(p.m, `${spec.name}.${lv}.m`);
      const u = prob(p.u, `${spec.name}.${lv}.u`);
      const ms = p.mSibling === undefined ? m : prob(p.mSibling, `${spec.name}.${lv}.mSibling`);
      w[i] = Math.log2(m / u);
      ws[i] = Math.log2(ms / u);
      t[i] = spec.tf.includes(lv) ? 1 : 0;
    });
    weights.push(w);
    siblingWeights.push(ws);
    tfLevel.push(t);
  }
  const tf = { minPopulation: j.tf?.minPopulation ?? 1000, maxAdjustment: j.tf?.maxAdjustment ?? 8 };
  const cal = j.calibration;
  const scales = (rec: Record<string, number> | undefined, what: string) => {
    const out = new Float64Array(FIELDS.length).fill(1);
    FIELDS.forEach((f, i) => {
      const v = rec?.[f.name];
      if (v !== undefined) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`model: calibration.${what}.${f.name} must be a number ≥ 0`);
        out[i] = v;
      }
    });
    return out;
  };
  const fieldScale = scales(cal?.fieldScale, 'fieldScale');
  const sibScale = scales(cal?.siblingFieldScale, 'siblingFieldScale');
  if (cal) {
    for (const k of ['tfScale', 'intercept'] as const) {
      if (typeof cal[k] !== 'number' || !Number.isFinite(cal[k])) throw new Error(`model: calibration.${k} must be a number`);
    }
  }
  const levelTable = (rec: Record<string, Record<string, number>> | undefined, base: (f: number, l: number) => number, what: string) =>
    FIELDS.map((spec, f) => Float64Array.from(spec.levels, (lv, l) => {
      const v = rec?.[spec.name]?.[lv];
      if (v === undefined) return base(f, l);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`model: calibration.${what}.${spec.name}.${lv} must be a number`);
      return v;
    }));
  const calibrated = levelTable(cal?.levelWeights, (f, l) => fieldScale[f] * weights[f][l], 'levelWeights');
  const discriminator = levelTable(cal?.siblingLevelWeights, (f, l) => sibScale[f] * (weights[f][l] - siblingWeights[f][l]), 'siblingLevelWeights');
  let oneToOne: MatchModel['oneToOne'] = null;
  if (j.oneToOne !== undefined) {
    const check = ({ slope, intercept }: { slope: unknown; intercept: unknown }, what: string) => {
      if (typeof slope !== 'number' || !Number.isFinite(slope) || slope <= 0) throw new Error(`model: ${what}.slope must be a number > 0`);
      if (typeof intercept !== 'number' || !Number.isFinite(intercept)) throw new Error(`model: ${what}.intercept must be a number`);
      return { slope, intercept };
    };
    const { slope, intercept } = check(j.oneToOne, 'oneToOne');
    let bySize: OneToOneAtSize[] | null = null;
    if (j.oneToOne.bySize !== undefined) {
      if (!Array.isArray(j.oneToOne.bySize) || j.oneToOne.bySize.length === 0) throw new Error('model: oneToOne.bySize must be a non-empty array');
      bySize = j.oneToOne.bySize.map((e, i) => {
        const what = `oneToOne.bySize[${i}]`;
        if (!e || typeof e !== 'object') throw new Error(`model: ${what} must be an object`);
        const { population } = e;
        if (typeof population !== 'number' || !Number.isFinite(population) || population < 1) throw new Error(`model: ${what}.population must be a number ≥ 1`);
        if (i > 0 && !(population > j.oneToOne!.bySize![i - 1].population)) throw new Error(`model: ${what}.population must exceed the previous entry's (ascending sizes)`);
        return { population, ...check(e, what) };
      });
    }
    oneToOne = { slope, intercept, bySize };
  }
  return {
    oneToOne,
    json: j,
    modelVersion: j.modelVersion,
    weights,
    siblingWeights,
    tfLevel,
    prior: { ...j.prior, minPopulation: j.prior.minPopulation ?? 1000 },
    tf,
    proposalThreshold: j.proposalThreshold ?? 0.5,
    siblingThreshold: j.siblingThreshold ?? 0.5,
    calibrated,
    tfScale: cal?.tfScale ?? 1,
    intercept: cal?.intercept ?? 0,
    discriminator,
    siblingIntercept: cal?.siblingIntercept ?? 0,
  };
}

/**
 * The one-to-one calibration for a population of `population` records on the candidate's side:
 * the model's slope and intercept, or with a size table, its entries interpolated linearly in
 * log2 N and held at the nearest entry outside the fitted range (no extrapolation).
 */
export function oneToOneAt(cal: NonNullable<MatchModel['oneToOne']>, population: number): { slope: number; intercept: number } {
  const t = cal.bySize;
  const at = ({ slope, intercept }: { slope: number; intercept: number }) => ({ slope, intercept });
  if (!t) return at(cal);
  if (population <= t[0].population) return at(t[0]);
  const last = t[t.length - 1];
  if (population >= last.population) return at(last);
  let i = 1;
  while (t[i].population < population) i++;
  const lo = t[i - 1], hi = t[i];
  const w = Math.log2(population / lo.population) / Math.log2(hi.population / lo.population);
  return { slope: lo.slope + w * (hi.slope - lo.slope), intercept: lo.intercept + w * (hi.intercept - lo.intercept) };
}
