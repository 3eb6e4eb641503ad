/**
 * The key vault on the real PostgreSQL: a subject's key is created once under concurrent first
 * use, survives a fresh process (wrapped by the master key), and once destroyed is never made again.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { LocalMasterKeyWrapper } from './key-wrapper';
import { SubjectCipher } from './subject-cipher';
import { PgSubjectKeyStore, SqlRunner, SubjectErasedError } from './subject-key-store';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink';
const database = `kinlink_it_vault_${randomUUID().slice(0, 8)}`;

describe('PgSubjectKeyStore', () => {
  let client: Client;
  const db: SqlRunner = {
    query: async (sql, params) => {
      const r = await client.query(sql, params as unknown[]);
      return r.command === 'DELETE' || r.command === 'UPDATE' ? [r.rows, r.rowCount] : r.rows;
    },
  };
  const masterKey = randomBytes(32);

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    client = new Client({ connectionString: url.toString() });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('creates one key per subject under concurrent first use, stored only wrapped', async () => {
    const store = new PgSubjectKeyStore(db, new LocalMasterKeyWrapper(masterKey));
    await Promise.all([store.ensureSchema(), store.ensureSchema()]);
    const subject = randomUUID();
    const keys = await Promise.all(Array.from({ length: 8 }, () => store.getOrCreate(subject)));
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
    expect(new Set(keys.map((k) => k.dek.toString('hex'))).size).toBe(1);
    const { rows } = await client.query('SELECT wrapped_key FROM key_vault.subject_key WHERE subject_id = $1', [subject]);
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0].wrapped_key, 'base64').includes(keys[0].dek)).toBe(false);
    // another process with the same master key reads the same key
    const again = await new PgSubjectKeyStore(db, new LocalMasterKeyWrapper(masterKey)).find(subject);
    expect(again?.dek.equals(keys[0].dek)).toBe(true);
    // with another master key the wrapped key is useless
    await expect(new PgSubjectKeyStore(db, new LocalMasterKeyWrapper(randomBytes(32))).find(subject)).rejects.toThrow();
  });

  it('destroys a key for good: what it sealed cannot be opened, no new key is ever made', async () => {
    const store = new PgSubjectKeyStore(db, new LocalMasterKeyWrapper(masterKey));
    await store.ensureSchema();
    const cipher = new SubjectCipher(store, 0);
    const subject = randomUUID();
    const sealed = await cipher.seal(subject, 'ev-1', { name: 'Canary' });
    expect(await cipher.open(subject, 'ev-1', sealed)).toEqual({ name: 'Canary' });

    expect(await store.destroy(subject, 'subject_request')).toBe(true);
    expect(await store.destroy(subject, 'subject_request')).toBe(false);
    expect(await store.isErased(subject)).toBe(true);
    expect(await cipher.open(subject, 'ev-1', sealed)).toBeUndefined();
    await expect(store.getOrCreate(subject)).rejects.toThrow(SubjectErasedError);
    await expect(cipher.seal(subject, 'ev-2', { name: 'x' })).rejects.toThrow(SubjectErasedError);
    const { rows } = await client.query('SELECT subject_id, reason_code FROM key_vault.erased_subject WHERE subject_id = $1', [subject]);
    expect(rows).toEqual([{ subject_id: subject, reason_code: 'subject_request' }]);
    const { rows: keys } = await client.query('SELECT 1 FROM key_vault.subject_key WHERE subject_id = $1', [subject]);
    expect(keys).toHaveLength(0);
  });

  it('fetches many subjects\' keys in one round trip (boot-time loads), never an erased one', async () => {
    const store = new PgSubjectKeyStore(db, new LocalMasterKeyWrapper(masterKey));
    await store.ensureSchema();
    const [a, b, gone] = [randomUUID(), randomUUID(), randomUUID()];
    const ka = await store.getOrCreate(a);
    await store.getOrCreate(b);
    await store.getOrCreate(gone);
    await store.destroy(gone, 'retention');
    const many = await store.findMany([a, b, gone, randomUUID()]);
    expect(many.map((k) => k.subjectId).sort()).toEqual([a, b].sort());
    expect(many.find((k) => k.subjectId === a)!.dek.equals(ka.dek)).toBe(true);
  });

  it('gets or creates a slice\'s keys in at most three statements: concurrent slices agree, erased subjects get none', async () => {
    let statements = 0;
    const counting: SqlRunner = { query: (sql, params) => { statements++; return db.query(sql, params); } };
    const store = new PgSubjectKeyStore(counting, new LocalMasterKeyWrapper(masterKey));
    await store.ensureSchema();
    const existing = randomUUID();
    const known = await store.getOrCreate(existing);
    const erased = randomUUID();
    await store.getOrCreate(erased);
    await store.destroy(erased, 'subject_request');
    const fresh = Array.from({ length: 50 }, () => randomUUID());

    statements = 0;
    const keys = await store.getOrCreateMany([existing, erased, ...fresh, fresh[0]]);
    expect(statements).toBeLessThanOrEqual(3);
    expect(keys.map((k) => k.subjectId).sort()).toEqual([existing, ...fresh].sort());
    expect(keys.find((k) => k.subjectId === existing)!.dek.equals(known.dek)).toBe(true);
    // what was created is what the vault holds
    for (const k of keys) expect((await store.find(k.subjectId))!.dek.equals(k.dek)).toBe(true);
    await expect(store.find(erased)).rejects.toThrow(SubjectErasedError);
    const { rows } = await client.query('SELECT 1 FROM key_vault.subject_key WHERE subject_id = $1', [erased]);
    expect(rows).toHaveLength(0);

    // nothing to create: one statement
    statements = 0;
    await store.getOrCreateMany(fresh);
    expect(statements).toBe(1);

    // racing slices (and single creators) over overlapping subjects: one key per subject, the same for all
    const racing = Array.from({ length: 40 }, () => randomUUID());
    const sides = await Promise.all([
      store.getOrCreateMany(racing),
      store.getOrCreateMany([...racing].reverse()),
      new PgSubjectKeyStore(db, new LocalMasterKeyWrapper(masterKey)).getOrCreateMany(racing.slice(10, 30)),
      ...racing.slice(0, 5).map((id) => store.getOrCreate(id)),
    ]);
    const byId = new Map<string, string>();
    for (const k of sides.flat()) {
      expect(byId.get(k.subjectId) ?? k.dek.toString('hex')).toBe(k.dek.toString('hex'));
      byId.set(k.subjectId, k.dek.toString('hex'));
    }
    expect(byId.size).toBe(racing.length);
    const stored = await client.query('SELECT count(*)::int AS n FROM key_vault.subject_key WHERE subject_id = ANY($1)', [racing]);
    expect(stored.rows[0].n).toBe(racing.length);
  });

  it('a cipher prefetching a slice opens and seals from its cache; erasure drops the key, and a prefetch never brings it back', async () => {
    let statements = 0;
    const counting: SqlRunner = { query: (sql, params) => { statements++; return db.query(sql, params); } };
    const store = new PgSubjectKeyStore(counting, new LocalMasterKeyWrapper(masterKey));
    await store.ensureSchema();
    const cipher = new SubjectCipher(store, 60_000);
    const subjects = Array.from({ length: 20 }, () => randomUUID());
    await cipher.prefetch(subjects, { create: true });
    statements = 0;
    const sealed = await Promise.all(subjects.map((s) => cipher.seal(s, 'ev', { name: s })));
    expect(statements).toBe(0);

    // another process (another service) opens them after one findMany
    const reader = new SubjectCipher(store, 60_000);
    statements = 0;
    await reader.prefetch(subjects);
    await reader.prefetch(subjects); // cached: not asked again
    expect(statements).toBe(1);
    expect(await reader.open(subjects[3], 'ev', sealed[3])).toEqual({ name: subjects[3] });

    // erasure: forget, then a prefetch (or a fresh process) finds nothing to open
    await store.destroy(subjects[3], 'subject_request');
    reader.forget(subjects[3]);
    await reader.prefetch(subjects);
    expect(await reader.open(subjects[3], 'ev', sealed[3])).toBeUndefined();
    await expect(cipher.seal(subjects[3], 'ev-2', { name: 'x' })).resolves.toBeDefined(); // the writer's cache still holds it (TTL)…
    cipher.forget(subjects[3]);
    await expect(cipher.seal(subjects[3], 'ev-2', { name: 'x' })).rejects.toThrow(SubjectErasedError); // …until subject.erased arrives
    await cipher.prefetch([subjects[3]], { create: true });
    await expect(cipher.seal(subjects[3], 'ev-3', { name: 'x' })).rejects.toThrow(SubjectErasedError);
  });
});
