/** Public record and result types of the matching engine. */

/** A registered child, or a child sought by a tracing request. */
export type RecordSide = 'child' | 'sought';

export interface PersonName {
  given?: string;
  family?: string;
  middle?: string;
  full?: string;
  nicknames?: string[];
  /** the name in its original script, any script */
  original?: string;
}

export interface Place {
  text?: string;
  /** OCHA P-code e.g. SO2201, hierarchical by prefix */
  pcode?: string;
  /** ISO 3166-1 alpha-2 */
  country?: string;
}

export interface MatchRecord {
  /** Kinlink id (for a sought child: `<tracingRequestId>#<childRef>`) */
  id: string;
  side: RecordSide;
  agencyId: string;
  /** the tracing request id for sought children (two sought children of one request are siblings) */
  groupId?: string;
  consentForTracing: boolean;
  name: PersonName;
  sex?: 'male' | 'female' | 'other' | 'unknown';
  /** 'YYYY-MM-DD' | 'YYYY-MM' | 'YYYY' */
  dateOfBirth?: string;
  estimatedAgeYears?: number;
  /** the date the age was estimated (ISO date) */
  ageRecordedOn?: string;
  placeOfOrigin?: Place;
  placeOfSeparation?: Place;
  dateOfSeparation?: string;
  languages?: string[];
  nationality?: string;
  mother?: PersonName;
  father?: PersonName;
  siblings?: PersonName[];
  /** only on side 'sought': who is searching (often the mother) */
  inquirer?: { name: PersonName; relation?: string };
}

export type MatchKind = 'child-sought' | 'duplicate-child' | 'same-sought-child' | 'possible-sibling';

export interface FieldComparison {
  field: string;
  left?: unknown;
  right?: unknown;
  leftNormalised?: string;
  rightNormalised?: string;
  level: string;
  /** log2 likelihood ratio contributed by this field (the prior appears as field 'prior') */
  weight: number;
  /** e.g. "name variant: Mohammed ≈ Muhammad (variant table)" */
  note?: string;
}

export interface MatchCandidate {
  recordId: string;
  otherId: string;
  kind: MatchKind;
  /** calibrated probability for the kind (same child, or siblings for 'possible-sibling') */
  probability: number;
  /** = sum of the explanation's weights = prior log-odds + Σ field weights (log2) */
  score: number;
  explanation: FieldComparison[];
  modelVersion: string;
  /**
   * both hypotheses' probabilities (same child vs siblings), whatever the kind; `sameChildAlone`: P(same
   * child) of the pair alone, before competing candidates (how strongly this record competes for the other)
   */
  probabilities?: { sameChild: number; siblings: number; sameChildAlone?: number };
}

export interface MatchOptions {
  limit?: number;
  minProbability?: number;
  /** build explanations (default true); false for bulk evaluation */
  explain?: boolean;
  /** explanations only for candidates at least this likely (default 0: all); the others come with none */
  explainMin?: number;
}

export interface NameSearchQuery {
  name: string;
  side?: RecordSide;
  dateOfBirth?: string;
  sex?: string;
}

export interface NameSearchHit {
  id: string;
  side: RecordSide;
  probability: number;
  score: number;
  explanation: FieldComparison[];
}
