/**
 * Hand-set starting values (expert guesses) used only to bootstrap estimation
 * (bench/matching/train.ts) — the engine ships `default-model.ts`.
 */
import { MatchModelJson } from '../model';

const L = (m: number, u: number, mSibling?: number) => (mSibling === undefined ? { m, u } : { m, u, mSibling });
const place = {
  exact: L(0.5, 0.01, 0.6), admin2: L(0.15, 0.03, 0.15), admin1: L(0.1, 0.1, 0.1), country: L(0.1, 0.3, 0.1),
  text: L(0.08, 0.01, 0.1), 'text-disagree': L(0.04, 0.2, 0.03), disagree: L(0.03, 0.35, 0.02),
};
const parent = { full: L(0.45, 0.0005, 0.45), first: L(0.35, 0.01, 0.35), fuzzy: L(0.1, 0.04, 0.1), disagree: L(0.1, 0.95, 0.1) };

export const BOOTSTRAP_MODEL: MatchModelJson = {
  modelVersion: 'kinlink-fs-bootstrap-0',
  description: 'expert-guess starting point for estimation',
  prior: { 'child-sought': 0.7, 'duplicate-child': 0.05, 'same-sought-child': 0.05, 'possible-sibling': 0.5, minPopulation: 1000 },
  fields: {
    'name.first': {
      exact: L(0.55, 0.01, 0.01), variant: L(0.12, 0.004, 0.005), jw92: L(0.08, 0.003, 0.01), nickname: L(0.04, 0.0005, 0.002),
      swapped: L(0.04, 0.0005, 0.005), phonetic: L(0.05, 0.01, 0.03), elsewhere: L(0.03, 0.01, 0.02), jw85: L(0.03, 0.02, 0.03),
      jw70: L(0.03, 0.1, 0.1), none: L(0.03, 0.85, 0.78),
    },
    'name.rest': { all2: L(0.35, 0.0005, 0.4), all1: L(0.3, 0.01, 0.3), some: L(0.15, 0.02, 0.15), fuzzy: L(0.08, 0.05, 0.05), none: L(0.12, 0.92, 0.1), 'via-father': L(0.1, 0.01, 0.3) },
    birth: {
      exact: L(0.25, 0.0003, 0.005), 'dm-swap': L(0.02, 0.0003, 0.0001), ym: L(0.03, 0.003, 0.001), y: L(0.08, 0.05, 0.02),
      y1: L(0.06, 0.1, 0.2), y2: L(0.02, 0.1, 0.2), y4: L(0.01, 0.2, 0.25), far: L(0.005, 0.45, 0.3),
      e0: L(0.25, 0.06, 0.05), e1: L(0.15, 0.1, 0.15), e2: L(0.05, 0.1, 0.15), e4: L(0.02, 0.2, 0.2), efar: L(0.005, 0.45, 0.1),
    },
    sex: { agree: L(0.97, 0.5, 0.5), disagree: L(0.03, 0.5, 0.5) },
    origin: place,
    'separation.place': place,
    'separation.date': { d7: L(0.6, 0.05, 0.6), d31: L(0.2, 0.1, 0.2), d92: L(0.1, 0.15, 0.1), d365: L(0.07, 0.3, 0.07), far: L(0.03, 0.4, 0.03) },
    mother: parent,
    father: parent,
    siblings: { agree: L(0.6, 0.01, 0.4), disagree: L(0.4, 0.99, 0.6) },
    'cross-sibling': { listed: L(0.01, 0.0005, 0.5), 'not-listed': L(0.99, 0.9995, 0.5) },
    languages: { agree: L(0.95, 0.4, 0.95), disagree: L(0.05, 0.6, 0.05) },
    nationality: { agree: L(0.97, 0.4, 0.97), disagree: L(0.03, 0.6, 0.03) },
  },
  tf: { minPopulation: 1000, maxAdjustment: 6 },
  proposalThreshold: 0.5,
  siblingThreshold: 0.5,
};
