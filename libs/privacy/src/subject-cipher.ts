import type { SealedField } from '@kinlink/contracts';
import { openField, sealField } from './field-cipher';
import { SubjectErasedError, SubjectKey, SubjectKeyStore } from './subject-key-store';

/** unwrapped keys a process holds at most (≈ 150 bytes each) */
const MAX_CACHED_KEYS = 100_000;

/**
 * Seals and opens a subject's fields under the subject's data key, with a short-lived cache of
 * unwrapped keys (`forget` drops a key at once when the subject is erased; the TTL bounds how long
 * any process can go on using a destroyed key).
 */
export class SubjectCipher {
  private readonly cache = new Map<string, { key: SubjectKey; until: number }>();
  /** when each subject was last forgotten (erased), so a lookup that began before does not cache its key */
  private readonly forgotten = new Map<string, number>();
  /** when expired entries are next dropped */
  private nextSweep = 0;

  constructor(private readonly store: SubjectKeyStore, private readonly ttlMs = 30_000, private readonly now = () => Date.now()) {}

  /** Seals each defined field; throws SubjectErasedError for an erased subject. */
  async seal(subjectId: string, binding: string, fields: Record<string, unknown>): Promise<Record<string, SealedField>> {
    const key = await this.key(subjectId, true);
    const out: Record<string, SealedField> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (value !== undefined) out[field] = sealField(key!.dek, key!.keyId, binding, field, value);
    }
    return out;
  }

  /**
   * Opens the wanted fields (only those: a service opens what it needs); undefined when the
   * subject is erased or its key never existed. A field that does not authenticate throws.
   */
  async open(subjectId: string, binding: string, sealed: Record<string, SealedField>, want?: readonly string[]): Promise<Record<string, unknown> | undefined> {
    const key = await this.key(subjectId, false);
    if (!key) return undefined;
    const out: Record<string, unknown> = {};
    for (const field of want ?? Object.keys(sealed)) {
      const s = sealed[field];
      if (s) out[field] = openField(key.dek, binding, field, s);
    }
    return out;
  }

  /**
   * Loads many subjects' keys in one round trip into the cache: a boot-time load opens thousands
   * of rows, and a consumer's slice needs the keys of all its messages. Keys already cached are not
   * asked for again. `create` (the gateway: the first event of a subject) also creates the missing
   * keys, in one multi-row insert (SubjectKeyStore.getOrCreateMany). Erased subjects get no entry,
   * so seal/open go to the store and find them erased as before.
   */
  async prefetch(subjectIds: string[], options: { create?: boolean } = {}): Promise<void> {
    const started = this.now();
    const wanted = [...new Set(subjectIds)].filter((id) => {
      const hit = this.cache.get(id);
      return !hit || hit.until <= started;
    });
    if (wanted.length === 0) return;
    const load = options.create ? this.store.getOrCreateMany?.bind(this.store) : this.store.findMany?.bind(this.store);
    if (!load) return;
    const keys = await load(wanted);
    const until = started + this.ttlMs;
    // bounded like any other fill: a boot-time load pages through a million subjects
    if (this.cache.size + keys.length > MAX_CACHED_KEYS) this.cache.clear();
    for (const key of keys) {
      // erased while the lookup was in flight: its read may predate the destruction
      const forgotten = this.forgotten.get(key.subjectId);
      if (forgotten !== undefined && forgotten >= started) continue;
      this.remember(key, until);
    }
  }

  /** keys held now (expired ones are dropped within a TTL) */
  get cachedKeys(): number {
    return this.cache.size;
  }

  /**
   * Caches a key until `until`. Expired keys are dropped within a TTL, not kept until the cache is
   * full: a process touches a stream of new subjects, and holding every key it ever saw grows its
   * memory for nothing (and keeps destroyed subjects' keys in memory longer than needed). The key
   * is copied out of Node's shared 8 KiB buffer pool, so a cached 32-byte key never holds a slab.
   */
  private remember(key: SubjectKey, until: number): void {
    const now = this.now();
    if (now >= this.nextSweep) {
      for (const [id, entry] of this.cache) if (entry.until <= now) this.cache.delete(id);
      this.nextSweep = now + this.ttlMs;
    }
    if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
    const dek = Buffer.allocUnsafeSlow(key.dek.length);
    key.dek.copy(dek);
    this.cache.delete(key.subjectId);
    this.cache.set(key.subjectId, { key: { ...key, dek }, until });
  }

  /** Drops the cached key (on `subject.erased`). */
  forget(subjectId: string): void {
    this.cache.delete(subjectId);
    const now = this.now();
    // remembered for as long as a lookup may run (a TTL), so a prefetch in flight does not bring the key back
    if (this.forgotten.size >= 10_000) for (const [id, at] of this.forgotten) if (at + this.ttlMs < now) this.forgotten.delete(id);
    this.forgotten.set(subjectId, now);
  }

  private async key(subjectId: string, create: boolean): Promise<SubjectKey | undefined> {
    const hit = this.cache.get(subjectId);
    if (hit && hit.until > this.now()) return hit.key;
    this.cache.delete(subjectId);
    let key: SubjectKey | undefined;
    try {
      key = create ? await this.store.getOrCreate(subjectId) : await this.store.find(subjectId);
    } catch (e) {
      if (e instanceof SubjectErasedError && !create) return undefined;
      throw e;
    }
    if (key) this.remember(key, this.now() + this.ttlMs);
    return key;
  }
}
