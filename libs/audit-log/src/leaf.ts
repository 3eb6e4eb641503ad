import { canonicalJson, CanonicalJsonError } from './canonical-json';
import { hashLeaf, isHashHex, sha256 } from './hash';

/** `audit-log`: reads of the audit log itself (R6 read logging, `record.read` events). */
export const SUBJECT_TYPES = ['child', 'tracing-request', 'case', 'proposal', 'agency-event', 'audit-log'] as const;
export type AuditSubjectType = (typeof SUBJECT_TYPES)[number];

export interface AuditSubject {
  type: AuditSubjectType;
  /** pseudonymous id (a UUID), never a name */
  id: string;
}

export interface AuditActor {
  id: string;
  role?: string;
  agencyId?: string;
}

/**
 * One entry of the audit log. Holds no personal data: ids are pseudonymous and the personal-data
 * payload is represented only by `payloadHash` (use {@link hashPayload} over the *encrypted*
 * payload, so a low-entropy plaintext cannot be brute-forced from the hash).
 */
export interface AuditLeaf {
  /** leaf index in the log, 0-based, assigned by the single sequencer */
  seq: number;
  eventId: string;
  eventType: string;
  /** when the fact happened (producer clock), ISO-8601 UTC `YYYY-MM-DDTHH:mm:ss[.fff]Z` */
  occurredAt: string;
  /** when the audit service sequenced it, same format */
  recordedAt: string;
  /** null for system events without a person or agency behind them */
  actor: AuditActor | null;
  agencyId?: string;
  subjects: AuditSubject[];
  fromState?: string;
  toState?: string;
  reasonCode?: string;
  correlationId?: string;
  /** lowercase hex SHA-256 of the personal-data payload, never the payload itself */
  payloadHash: string;
}

export class AuditLeafError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'AuditLeafError';
  }
}

const LEAF_KEYS = new Set([
  'seq', 'eventId', 'eventType', 'occurredAt', 'recordedAt', 'actor', 'agencyId', 'subjects',
  'fromState', 'toState', 'reasonCode', 'correlationId', 'payloadHash',
]);
const ACTOR_KEYS = new Set(['id', 'role', 'agencyId']);
const SUBJECT_KEYS = new Set(['type', 'id']);
const SUBJECT_TYPE_SET: ReadonlySet<string> = new Set(SUBJECT_TYPES);
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const MAX_STRING = 512;

function fail(msg: string): never {
  throw new AuditLeafError(msg);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function checkKeys(obj: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) fail(`${where}: unknown field "${k}"`);
  }
}

function reqString(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(`${where} must be a non-empty string`);
  if (v.length > MAX_STRING) fail(`${where} is longer than ${MAX_STRING} characters`);
  return v;
}

function optString(v: unknown, where: string): void {
  if (v !== undefined) reqString(v, where);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isoUtc(v: unknown, where: string): void {
  const s = reqString(v, where);
  const m = ISO_UTC.exec(s);
  if (!m) fail(`${where} must be ISO-8601 UTC like 2025-01-31T09:30:00.000Z`);
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2 && leap ? 29 : DAYS[mo - 1];
  if (mo < 1 || mo > 12 || d < 1 || d > dim || +m[4] > 23 || +m[5] > 59 || +m[6] > 59) fail(`${where} is not a valid date-time`);
}

/** Checks `value` is a well-formed {@link AuditLeaf}; throws {@link AuditLeafError} naming the field otherwise. */
export function validateLeaf(value: unknown): asserts value is AuditLeaf {
  if (!isPlainObject(value)) fail('leaf must be a JSON object');
  checkKeys(value, LEAF_KEYS, 'leaf');
  const l = value;
  if (typeof l.seq !== 'number' || !Number.isSafeInteger(l.seq) || l.seq < 0) fail('leaf.seq must be a non-negative safe integer');
  reqString(l.eventId, 'leaf.eventId');
  reqString(l.eventType, 'leaf.eventType');
  isoUtc(l.occurredAt, 'leaf.occurredAt');
  isoUtc(l.recordedAt, 'leaf.recordedAt');
  if (l.actor !== null) {
    if (!isPlainObject(l.actor)) fail('leaf.actor must be an object or null');
    checkKeys(l.actor, ACTOR_KEYS, 'leaf.actor');
    reqString(l.actor.id, 'leaf.actor.id');
    optString(l.actor.role, 'leaf.actor.role');
    optString(l.actor.agencyId, 'leaf.actor.agencyId');
  }
  optString(l.agencyId, 'leaf.agencyId');
  if (!Array.isArray(l.subjects)) fail('leaf.subjects must be an array');
  l.subjects.forEach((s: unknown, i: number) => {
    const where = `leaf.subjects[${i}]`;
    if (!isPlainObject(s)) fail(`${where} must be an object`);
    checkKeys(s, SUBJECT_KEYS, where);
    if (typeof s.type !== 'string' || !SUBJECT_TYPE_SET.has(s.type)) fail(`${where}.type must be one of ${SUBJECT_TYPES.join(', ')}`);
    reqString(s.id, `${where}.id`);
  });
  optString(l.fromState, 'leaf.fromState');
  optString(l.toState, 'leaf.toState');
  optString(l.reasonCode, 'leaf.reasonCode');
  optString(l.correlationId, 'leaf.correlationId');
  if (!isHashHex(l.payloadHash)) fail('leaf.payloadHash must be 64 lowercase hex digits (SHA-256)');
}

/**
 * The canonical bytes of a leaf: canonical JSON (sorted keys, no whitespace, UTF-8, undefined
 * fields omitted). Validates first, so only well-formed leaves are ever encoded.
 */
export function encodeLeaf(leaf: AuditLeaf): Buffer {
  validateLeaf(leaf);
  return Buffer.from(canonicalJson(leaf), 'utf8');
}

/**
 * Parses canonical leaf bytes back into a leaf. Rejects input that is not exactly the canonical
 * encoding of a valid leaf (so each leaf has one and only one byte representation).
 */
export function decodeLeaf(bytes: Uint8Array | string): AuditLeaf {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('leaf is not valid JSON');
  }
  validateLeaf(value);
  if (canonicalJson(value) !== text) fail('leaf is not in canonical form');
  return value;
}

/** The RFC 9162 Merkle leaf hash of a leaf: SHA-256(0x00 || encodeLeaf(leaf)). */
export function leafHash(leaf: AuditLeaf): Buffer {
  return hashLeaf(encodeLeaf(leaf));
}

/**
 * SHA-256 hex of a payload: of the bytes themselves for a Buffer/Uint8Array (e.g. a ciphertext),
 * otherwise of its canonical JSON (e.g. the encrypted-field envelope `{v,kid,iv,tag,ct}`).
 * Throws {@link AuditLeafError} when the value is not plain JSON data.
 */
export function hashPayload(payload: unknown): string {
  if (payload instanceof Uint8Array) return sha256(payload).toString('hex');
  try {
    return sha256(Buffer.from(canonicalJson(payload), 'utf8')).toString('hex');
  } catch (e) {
    if (e instanceof CanonicalJsonError) throw new AuditLeafError(`payload: ${e.message}`);
    throw e;
  }
}
