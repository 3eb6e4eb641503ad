import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The KMS seam: wraps and unwraps subjects' data keys with a master key the caller never sees.
 * A cloud KMS or an HSM implements the same port; `LocalMasterKeyWrapper` keeps the master key in
 * process memory, read from configuration.
 */
export interface KeyWrapper {
  /** identifies the master key a data key was wrapped with (rotation: unwrap with the old, wrap with the new) */
  readonly masterKeyId: string;
  wrap(dek: Buffer, subjectId: string): Promise<string>;
  unwrap(wrapped: string, subjectId: string): Promise<Buffer>;
  /**
   * A keyed digest (HMAC-SHA256, hex) of `data` under a key of this master key kept for `purpose`
   * alone (KMSs offer the same: a MAC key that never leaves them). For fingerprints of plaintext
   * that must not be guessable from the database, where a plain hash of a short text would be.
   */
  mac(purpose: string, data: string): Promise<string>;
}

export const KEY_WRAPPER = Symbol('KEY_WRAPPER');

/** AES-256-GCM key wrap; the subject id is associated data, so a wrapped key cannot be moved to another subject. */
export class LocalMasterKeyWrapper implements KeyWrapper {
  readonly masterKeyId: string;
  private readonly macKeys = new Map<string, Buffer>();

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('MASTER_KEY must be 32 bytes (base64)');
    this.masterKeyId = createHash('sha256').update('kinlink-master-key-id').update(masterKey).digest('hex').slice(0, 16);
  }

  async wrap(dek: Buffer, subjectId: string): Promise<string> {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.masterKey, iv, { authTagLength: 16 });
    c.setAAD(this.aad(subjectId));
    const ct = Buffer.concat([c.update(dek), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
  }

  async unwrap(wrapped: string, subjectId: string): Promise<Buffer> {
    const raw = Buffer.from(wrapped, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.masterKey, raw.subarray(0, 12), { authTagLength: 16 });
    d.setAAD(this.aad(subjectId));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]);
  }

  async mac(purpose: string, data: string): Promise<string> {
    let key = this.macKeys.get(purpose);
    if (!key) {
      // HKDF separates purposes: a MAC key never doubles as the wrapping key or as another purpose's key
      key = Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.alloc(0), `kinlink-mac|${purpose}`, 32));
      this.macKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(data, 'utf8').digest('hex');
  }

  private aad(subjectId: string): Buffer {
    return Buffer.from(`kinlink-dek|${subjectId}|${this.masterKeyId}`, 'utf8');
  }
}
