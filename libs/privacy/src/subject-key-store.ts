import { randomBytes, randomUUID } from 'node:crypto';
import type { KeyWrapper } from './key-wrapper';

/** A subject's (a child's, a tracing request's) data key, unwrapped, in memory only. */
export interface SubjectKey {
  subjectId: string;
  keyId: string;
  dek: Buffer;
}

/** The subject's data key was destroyed (crypto-shredded): what it sealed can no longer be read. */
export class SubjectErasedError extends Error {
  readonly code = 'subject_erased';
  constructor(readonly subjectId: string) {
    super(`subject ${subjectId} is erased`);
  }
}

/** Runs SQL: a TypeORM DataSource or EntityManager (`query`), so a destruction can join a unit of work. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The key vault: subjects' data keys, wrapped by the master key. */
export interface SubjectKeyStore {
  /** the subject's key, created on first use (idempotent under races); throws SubjectErasedError once erased */
  getOrCreate(subjectId: string): Promise<SubjectKey>;
  /** the subject's key, or undefined when it was never created or was destroyed */
  find(subjectId: string): Promise<SubjectKey | undefined>;
  /** destroys the key and remembers the subject as erased; true if it was destroyed by this call */
  destroy(subjectId: string, reasonCode: string, runner?: SqlRunner): Promise<boolean>;
  isErased(subjectId: string): Promise<boolean>;
  /** many subjects' keys in one round trip (boot-time loads); erased or unknown subjects are absent */
  findMany?(subjectIds: string[]): Promise<SubjectKey[]>;
}

export const SUBJECT_KEY_STORE = Symbol('SUBJECT_KEY_STORE');
export const KEY_VAULT_SCHEMA = 'key_vault';

/**
 * The key vault in PostgreSQL, in a schema of its own (`key_vault`). Deleting a row is the
 * crypto-shred: the wrapped key is gone, and `erased_subject` keeps the fact (id, time, reason
 * code, never data) so no key is ever made again for that subject. In a deployment this schema
 * lives in its own database with its own credentials and shorter backup retention than the data.
 */
export class PgSubjectKeyStore implements SubjectKeyStore {
  constructor(private readonly db: SqlRunner, private readonly wrapper: KeyWrapper) {}

  /** Creates the schema and tables once per database (advisory lock: services boot concurrently). */
  async ensureSchema(): Promise<void> {
    await this.db.query(`DO $$ BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('kinlink.key_vault.schema'));
      CREATE SCHEMA IF NOT EXISTS ${KEY_VAULT_SCHEMA};
      CREATE TABLE IF NOT EXISTS ${KEY_VAULT_SCHEMA}.subject_key (
        subject_id text PRIMARY KEY,
        key_id text NOT NULL UNIQUE,
        wrapped_key text NOT NULL,
        master_key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE IF NOT EXISTS ${KEY_VAULT_SCHEMA}.erased_subject (
        subject_id text PRIMARY KEY,
        reason_code text NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now());
    END $$`);
  }

  async getOrCreate(subjectId: string): Promise<SubjectKey> {
    const found = await this.find(subjectId);
    if (found) return found;
    const dek = randomBytes(32);
    const keyId = randomUUID().replaceAll('-', '').slice(0, 20);
    const wrapped = await this.wrapper.wrap(dek, subjectId);
    // no key for an erased subject, ever; of two racing creators the first row wins
    const inserted: Array<{ key_id: string }> = await this.db.query(
      `INSERT INTO ${KEY_VAULT_SCHEMA}.subject_key (subject_id, key_id, wrapped_key, master_key_id)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ${KEY_VAULT_SCHEMA}.erased_subject WHERE subject_id = $1)
       ON CONFLICT (subject_id) DO NOTHING RETURNING key_id`,
      [subjectId, keyId, wrapped, this.wrapper.masterKeyId],
    );
    if (inserted.length === 1) return { subjectId, keyId, dek };
    const winner = await this.find(subjectId);
    if (winner) return winner;
    throw new SubjectErasedError(subjectId);
  }

  async find(subjectId: string): Promise<SubjectKey | undefined> {
    const [row]: Array<{ key_id: string; wrapped_key: string }> = await this.db.query(
      `SELECT key_id, wrapped_key FROM ${KEY_VAULT_SCHEMA}.subject_key WHERE subject_id = $1`, [subjectId]);
    if (!row) {
      if (await this.isErased(subjectId)) throw new SubjectErasedError(subjectId);
      return undefined;
    }
    return { subjectId, keyId: row.key_id, dek: await this.wrapper.unwrap(row.wrapped_key, subjectId) };
  }

  async findMany(subjectIds: string[]): Promise<SubjectKey[]> {
    if (subjectIds.length === 0) return [];
    const rows: Array<{ subject_id: string; key_id: string; wrapped_key: string }> = await this.db.query(
      `SELECT subject_id, key_id, wrapped_key FROM ${KEY_VAULT_SCHEMA}.subject_key WHERE subject_id = ANY($1::text[])`, [subjectIds]);
    return Promise.all(rows.map(async (r) => ({ subjectId: r.subject_id, keyId: r.key_id, dek: await this.wrapper.unwrap(r.wrapped_key, r.subject_id) })));
  }

  async destroy(subjectId: string, reasonCode: string, runner: SqlRunner = this.db): Promise<boolean> {
    await runner.query(
      `INSERT INTO ${KEY_VAULT_SCHEMA}.erased_subject (subject_id, reason_code) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING`,
      [subjectId, reasonCode]);
    const [, count] = await runner.query(`DELETE FROM ${KEY_VAULT_SCHEMA}.subject_key WHERE subject_id = $1 RETURNING 1`, [subjectId]);
    return count > 0;
  }

  async isErased(subjectId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM ${KEY_VAULT_SCHEMA}.erased_subject WHERE subject_id = $1`, [subjectId]);
    return rows.length > 0;
  }
}

/** In memory, for unit tests. */
export class InMemorySubjectKeyStore implements SubjectKeyStore {
  private readonly keys = new Map<string, SubjectKey>();
  private readonly erased = new Set<string>();

  async getOrCreate(subjectId: string): Promise<SubjectKey> {
    if (this.erased.has(subjectId)) throw new SubjectErasedError(subjectId);
    let key = this.keys.get(subjectId);
    if (!key) {
      key = { subjectId, keyId: randomUUID().replaceAll('-', '').slice(0, 20), dek: randomBytes(32) };
      this.keys.set(subjectId, key);
    }
    return key;
  }
  async find(subjectId: string): Promise<SubjectKey | undefined> {
    if (this.erased.has(subjectId)) throw new SubjectErasedError(subjectId);
    return this.keys.get(subjectId);
  }
  async destroy(subjectId: string): Promise<boolean> {
    this.erased.add(subjectId);
    return this.keys.delete(subjectId);
  }
  async isErased(subjectId: string): Promise<boolean> {
    return this.erased.has(subjectId);
  }
}
