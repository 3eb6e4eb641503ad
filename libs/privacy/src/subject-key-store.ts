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
  /**
   * many subjects' keys, those missing created (a consumer's slice); erased subjects are absent,
   * never created. Same guarantees as `getOrCreate`, in a fixed number of statements.
   */
  getOrCreateMany?(subjectIds: string[]): Promise<SubjectKey[]>;
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
    const wanted = [...new Set(subjectIds)];
    if (wanted.length === 0) return [];
    // one primary-key probe per subject whatever the statistics (`subject_id = ANY($1)` was planned
    // as a scan of the whole vault while it was small or unanalysed next to a slice's list)
    const rows: Array<{ subject_id: string; key_id: string; wrapped_key: string }> = await this.db.query(
      `SELECT k.subject_id, k.key_id, k.wrapped_key FROM unnest($1::text[]) AS s(id)
       CROSS JOIN LATERAL (SELECT subject_id, key_id, wrapped_key FROM ${KEY_VAULT_SCHEMA}.subject_key WHERE subject_id = s.id LIMIT 1) k`, [wanted]);
    return Promise.all(rows.map(async (r) => ({ subjectId: r.subject_id, keyId: r.key_id, dek: await this.wrapper.unwrap(r.wrapped_key, r.subject_id) })));
  }

  /**
   * One SELECT for the keys that exist; for the rest one multi-row INSERT … ON CONFLICT DO NOTHING
   * (skipping erased subjects) and, only if a concurrent creator won some rows or a subject is
   * erased, one more SELECT. Three statements at most, whatever the number of subjects.
   */
  async getOrCreateMany(subjectIds: string[]): Promise<SubjectKey[]> {
    const wanted = [...new Set(subjectIds)];
    if (wanted.length === 0) return [];
    const found = await this.findMany(wanted);
    const have = new Set(found.map((k) => k.subjectId));
    // sorted: two slices inserting overlapping subjects take the index locks in the same order (no deadlock)
    const missing = wanted.filter((id) => !have.has(id)).sort();
    if (missing.length === 0) return found;
    const fresh = await Promise.all(missing.map(async (subjectId) => {
      const dek = randomBytes(32);
      return { subjectId, dek, keyId: randomUUID().replaceAll('-', '').slice(0, 20), wrapped: await this.wrapper.wrap(dek, subjectId) };
    }));
    const inserted: Array<{ subject_id: string }> = await this.db.query(
      `INSERT INTO ${KEY_VAULT_SCHEMA}.subject_key (subject_id, key_id, wrapped_key, master_key_id)
       SELECT t.s, t.k, t.w, $4 FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(s, k, w, n)
       WHERE NOT EXISTS (SELECT 1 FROM ${KEY_VAULT_SCHEMA}.erased_subject e WHERE e.subject_id = t.s)
       ORDER BY t.n
       ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id`,
      [fresh.map((f) => f.subjectId), fresh.map((f) => f.keyId), fresh.map((f) => f.wrapped), this.wrapper.masterKeyId],
    );
    const created = new Set(inserted.map((r) => r.subject_id));
    const out = [...found];
    for (const f of fresh) if (created.has(f.subjectId)) out.push({ subjectId: f.subjectId, keyId: f.keyId, dek: f.dek });
    const lost = missing.filter((id) => !created.has(id));
    // a concurrent creator's row wins; what is still absent is erased
    if (lost.length > 0) out.push(...(await this.findMany(lost)));
    return out;
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
  async findMany(subjectIds: string[]): Promise<SubjectKey[]> {
    return [...new Set(subjectIds)].flatMap((id) => (this.keys.has(id) ? [this.keys.get(id)!] : []));
  }
  async getOrCreateMany(subjectIds: string[]): Promise<SubjectKey[]> {
    const out: SubjectKey[] = [];
    for (const id of new Set(subjectIds)) if (!this.erased.has(id)) out.push(await this.getOrCreate(id));
    return out;
  }
  async destroy(subjectId: string): Promise<boolean> {
    this.erased.add(subjectId);
    return this.keys.delete(subjectId);
  }
  async isErased(subjectId: string): Promise<boolean> {
    return this.erased.has(subjectId);
  }
}
