import { z } from 'zod';

/**
 * Field shapes shared by the agency contract. They follow the inter-agency UASC registration and
 * tracing forms (Primero / RapidFTR field sets), in plain English names. Every object is strict:
 * unknown fields are rejected, not guessed at.
 */
const text = (max: number) => z.string().trim().min(1).max(max);

/** 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY': agencies often know only a year of birth. */
export const PartialDate = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'expected YYYY, YYYY-MM or YYYY-MM-DD')
  .refine(isRealDate, 'not a calendar date');

function isRealDate(s: string): boolean {
  if (s.length < 10) return true;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const IsoDate = z.iso.date();

export const PersonName = z.strictObject({
  given: text(100).optional(),
  middle: text(100).optional(),
  family: text(100).optional(),
  /** the whole name as written, when the agency does not split it */
  full: text(300).optional(),
  nicknames: z.array(text(100)).max(10).optional(),
  /** the name in its original script (Arabic, Ge'ez, Cyrillic …) */
  original: text(300).optional(),
}).refine((n) => n.given || n.family || n.full || n.original, { message: 'a name needs at least one of given, family, full, original' });
export type PersonName = z.infer<typeof PersonName>;

export const Place = z.strictObject({
  text: text(300).optional(),
  /** humanitarian administrative code (OCHA P-code), hierarchical by prefix */
  pcode: z.string().regex(/^[A-Z]{2}[0-9A-Z]{0,14}$/).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2').optional(),
});
export type Place = z.infer<typeof Place>;

export const Sex = z.enum(['male', 'female', 'other', 'unknown']);
export type Sex = z.infer<typeof Sex>;

export const SeparationCause = z.enum([
  'conflict', 'death', 'caafag', 'abandonment', 'population_movement', 'natural_disaster',
  'migration', 'lost_in_transit', 'detention', 'other', 'unknown',
]);

export const Separation = z.strictObject({
  date: PartialDate.optional(),
  place: Place.optional(),
  cause: SeparationCause.optional(),
});

export const EstimatedAge = z.strictObject({
  years: z.number().int().min(0).max(25),
  /** the date the age was estimated, so it can be compared with a date of birth later */
  asOf: IsoDate,
});

export const Relative = z.strictObject({
  name: PersonName,
  isAlive: z.boolean().optional(),
});

export const Family = z.strictObject({
  mother: Relative.optional(),
  father: Relative.optional(),
  siblings: z.array(Relative).max(20).optional(),
});

export const Consent = z.strictObject({
  /** the child (or guardian) agreed to tracing: without it the record is never proposed to another agency */
  tracing: z.boolean(),
  /** agreed to sharing with other organisations */
  sharing: z.boolean(),
});

export const CareArrangement = z.strictObject({
  type: z.enum(['parents', 'kinship', 'foster', 'residential', 'kafala', 'child_headed_household', 'independent', 'other']),
  location: Place.optional(),
});

/** What agencies know about a child: shared by a registered child and a child sought by a request. */
const ChildDescription = {
  name: PersonName,
  sex: Sex,
  dateOfBirth: PartialDate.optional(),
  estimatedAge: EstimatedAge.optional(),
  placeOfOrigin: Place.optional(),
  separation: Separation.optional(),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'ISO 639 code')).max(10).optional(),
  nationality: z.string().regex(/^[A-Z]{2}$/).optional(),
  ethnicity: text(100).optional(),
  family: Family.optional(),
};

export const Relation = z.enum(['mother', 'father', 'grandmother', 'grandfather', 'aunt', 'uncle', 'sibling', 'other_relative', 'guardian', 'other']);

/**
 * Specific needs (UASC Handbook / Primero protection concerns), code list documented in
 * docs/events.md. The very young and children with these needs are reviewed first.
 */
export const SpecificNeed = z.enum([
  'disability', 'medical_condition', 'pregnancy', 'child_headed_household', 'unaccompanied_under_5',
  'survivor_of_violence', 'associated_with_armed_forces', 'mental_health_support', 'other',
]);

/** A person the child must not be disclosed to (matched against inquirers with the name engine). */
export const RestrictedPerson = z.strictObject({
  name: PersonName,
  relation: Relation.optional(),
});

/**
 * Protection concerns recorded by the child's agency. `elevated` or `high` holds every proposal
 * for the child until a supervisor of the child's agency has reviewed and released it.
 */
export const Safeguarding = z.strictObject({
  level: z.enum(['none', 'elevated', 'high']),
  concerns: z.array(z.enum([
    'trafficking_indicators', 'exploitation_indicators', 'family_member_suspected_of_harm',
    'child_does_not_want_to_be_found', 'abduction_risk', 'other',
  ])).max(10).optional(),
  restrictions: z.strictObject({
    /** never disclose where the child is, to anyone outside the child's agency */
    doNotDiscloseLocation: z.boolean().optional(),
    /** never disclose the child to these people (a proposal with such an inquirer cannot be confirmed) */
    doNotDiscloseTo: z.array(RestrictedPerson).max(10).optional(),
    /** a supervisor must review before any contact with the family */
    supervisorReviewBeforeContact: z.boolean().optional(),
  }).optional(),
});
export type Safeguarding = z.infer<typeof Safeguarding>;

export const ChildRegistration = z.strictObject({
  ...ChildDescription,
  status: z.enum(['unaccompanied', 'separated']),
  registeredOn: IsoDate,
  currentLocation: Place.optional(),
  careArrangement: CareArrangement.optional(),
  consent: Consent,
  specificNeeds: z.array(SpecificNeed).max(10).optional(),
  safeguarding: Safeguarding.optional(),
});
export type ChildRegistration = z.infer<typeof ChildRegistration>;

export const SoughtChild = z.strictObject({
  /** the agency's own reference for this child within the request, stable across updates */
  ref: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  ...ChildDescription,
  lastKnownLocation: Place.optional(),
});
export type SoughtChild = z.infer<typeof SoughtChild>;

export const Inquirer = z.strictObject({
  name: PersonName,
  relation: Relation,
  sex: Sex.optional(),
  currentLocation: Place.optional(),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).max(10).optional(),
});

/** Concerns about the inquirer raised by the agency that took the request. */
export const InquirerConcerns = z.strictObject({
  level: z.enum(['none', 'elevated', 'high']),
  concerns: z.array(z.enum(['identity_unverified', 'suspected_trafficker', 'history_of_harm', 'inconsistent_account', 'other'])).max(10).optional(),
});

export const TracingRequestFiling = z.strictObject({
  inquiryDate: IsoDate,
  inquirer: Inquirer,
  soughtChildren: z.array(SoughtChild).min(1).max(10),
  consent: Consent,
  inquirerConcerns: InquirerConcerns.optional(),
});
export type TracingRequestFiling = z.infer<typeof TracingRequestFiling>;

export const ClosureReason = z.enum(['reunified', 'duplicate', 'transferred', 'death', 'withdrawn', 'no_longer_sought', 'aged_out', 'other']);
export const RecordClosure = z.strictObject({
  reason: ClosureReason,
  note: text(500).optional(),
});
export type RecordClosure = z.infer<typeof RecordClosure>;
