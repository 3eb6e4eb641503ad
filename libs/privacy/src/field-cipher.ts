import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedField } from '@kinlink/contracts';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // 96-bit random IV (NIST SP 800-38D §8.2.2); a subject key seals far fewer than 2^32 values
const TAG_BYTES = 16; // always explicit: Node warns about implicitly shortened GCM tags

/** A sealed field cannot be opened: wrong key, wrong binding (moved to another event/field) or tampered. */
export class SealBrokenError extends Error {
  readonly code = 'seal_broken';
}

/**
 * Associated data: what a ciphertext is bound to. A value moved to another event, field or key
 * fails authentication instead of decrypting in the wrong place.
 */
export function associatedData(binding: string, field: string, keyId: string): Buffer {
  return Buffer.from(`kinlink/v1|${binding}|${field}|${keyId}`, 'utf8');
}

/** AES-256-GCM over the JSON of `value`, bound to (binding, field, key id). */
export function sealField(dek: Buffer, keyId: string, binding: string, field: string, value: unknown): SealedField {
  if (dek.length !== 32) throw new Error('a data key is 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, dek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding, field, keyId));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value ?? null), 'utf8'), cipher.final()]);
  return { v: 1, k: keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
}

export function openField(dek: Buffer, binding: string, field: string, sealed: SealedField): unknown {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (sealed.v !== 1 || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealBrokenError('malformed sealed field');
  try {
    const decipher = createDecipheriv(ALGORITHM, dek, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(binding, field, sealed.k));
    decipher.setAuthTag(tag);
    const pt = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
    return JSON.parse(pt.toString('utf8'));
  } catch {
    throw new SealBrokenError(`sealed field "${field}" does not authenticate`);
  }
}

export function isSealedField(v: unknown): v is SealedField {
  const s = v as SealedField | null;
  return !!s && typeof s === 'object' && s.v === 1 && typeof s.k === 'string' && typeof s.iv === 'string' && typeof s.tag === 'string' && typeof s.ct === 'string';
}
