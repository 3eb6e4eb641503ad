/**
 * Ed25519 keys for signed notes (C2SP signed-note), with the text encodings of
 * golang.org/x/mod/sumdb/note:
 *
 *   verifier key: `<name>+<key id, 8 hex digits>+<base64(0x01 || 32-byte public key)>`
 *   signer key:   `PRIVATE+KEY+<name>+<key id>+<base64(0x01 || 32-byte private seed)>`
 *
 * and PEM (SPKI / PKCS#8) for interoperability with openssl and Node. A PEM carries no key name,
 * so one must be supplied when parsing it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { sha256Concat } from './hash';

/** Signature type byte for Ed25519 in C2SP signed-note. */
export const ED25519_SIGNATURE_TYPE = 0x01;

export interface VerifierKey {
  /** key name as it appears in signature lines; by convention the log origin */
  name: string;
  /** SHA-256(name || 0x0A || 0x01 || public key)[:4] */
  keyId: Buffer;
  publicKey: KeyObject;
}

export interface SigningKey extends VerifierKey {
  privateKey: KeyObject;
}

export class KeyError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Key names must be non-empty, without Unicode spaces, `+`, or control characters. */
export function assertKeyName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || /[\s+\u0000-\u001f\u007f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name)) {
    throw new KeyError('key name must be non-empty and contain no spaces, "+" or control characters');
  }
}

/** Raw 32-byte Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError('not an Ed25519 key');
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

function rawSeed(key: KeyObject): Buffer {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new KeyError('not an Ed25519 private key');
  return Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url');
}

/** C2SP signed-note key id: SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]. */
export function computeKeyId(name: string, publicKey: KeyObject | Uint8Array): Buffer {
  assertKeyName(name);
  const raw = publicKey instanceof KeyObject ? rawPublicKey(publicKey) : Buffer.from(publicKey);
  if (raw.length !== 32) throw new KeyError('Ed25519 public key must be 32 bytes');
  return sha256Concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, ED25519_SIGNATURE_TYPE]), raw]).subarray(0, 4);
}

function publicFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new KeyError('Ed25519 public key must be 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

function privateFromSeed(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new KeyError('Ed25519 private seed must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function signingKeyFrom(name: string, privateKey: KeyObject): SigningKey {
  assertKeyName(name);
  const publicKey = createPublicKey(privateKey);
  return { name, keyId: computeKeyId(name, publicKey), publicKey, privateKey };
}

function verifierKeyFrom(name: string, publicKey: KeyObject): VerifierKey {
  assertKeyName(name);
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') throw new KeyError('not an Ed25519 public key');
  return { name, keyId: computeKeyId(name, publicKey), publicKey };
}

/** A fresh Ed25519 signing key named `name` (by convention the log origin, e.g. `kinlink.example/audit`). */
export function generateSigningKey(name: string): SigningKey {
  assertKeyName(name);
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFrom(name, privateKey);
}

/** The public half of a signing key. */
export function toVerifierKey(key: VerifierKey): VerifierKey {
  return { name: key.name, keyId: Buffer.from(key.keyId), publicKey: key.publicKey };
}

function b64Strict(s: string, what: string): Buffer {
  const buf = Buffer.from(s, 'base64');
  if (s.length === 0 || buf.toString('base64') !== s) throw new KeyError(`${what}: invalid base64`);
  return buf;
}

/** `PRIVATE+KEY+<name>+<id>+<base64(0x01||seed)>` — keep it secret. */
export function encodeSigningKey(key: SigningKey): string {
  const body = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), rawSeed(key.privateKey)]);
  return `PRIVATE+KEY+${key.name}+${key.keyId.toString('hex')}+${body.toString('base64')}`;
}

/** `<name>+<id>+<base64(0x01||public key)>` — give this to every agency / auditor. */
export function encodeVerifierKey(key: VerifierKey): string {
  const body = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), rawPublicKey(key.publicKey)]);
  return `${key.name}+${key.keyId.toString('hex')}+${body.toString('base64')}`;
}

/** PKCS#8 PEM of the private key (carries no name). */
export function signingKeyToPem(key: SigningKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** SPKI PEM of the public key (carries no name). */
export function verifierKeyToPem(key: VerifierKey): string {
  return key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** Splits on the first `n - 1` '+' characters; the last part keeps any further '+'. */
function splitPlus(s: string, n: number): string[] | null {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < n - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return null;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

function checkName(found: string, expected: string | undefined): void {
  if (expected !== undefined && expected !== found) throw new KeyError(`key is named "${found}", expected "${expected}"`);
}

/**
 * Parses a signer key: the `PRIVATE+KEY+…` text form, or a PKCS#8 PEM together with `name`.
 * If `name` is given it must match the name inside the text form.
 */
export function parseSigningKey(text: string, name?: string): SigningKey {
  const t = text.trim();
  if (t.startsWith('-----BEGIN')) {
    if (name === undefined) throw new KeyError('a PEM key carries no name: pass the key name');
    let k: KeyObject;
    try {
      k = createPrivateKey(t);
    } catch {
      throw new KeyError('unreadable private key PEM');
    }
    if (k.asymmetricKeyType !== 'ed25519') throw new KeyError('not an Ed25519 private key');
    return signingKeyFrom(name, k);
  }
  // base64 may itself contain '+': split on the first separators only
  const parts = splitPlus(t, 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new KeyError('expected PRIVATE+KEY+<name>+<id>+<key>');
  const [, , keyName, idHex, b64] = parts;
  checkName(keyName, name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new KeyError('signer key id must be 8 hex digits');
  const body = b64Strict(b64, 'signer key');
  if (body.length !== 33 || body[0] !== ED25519_SIGNATURE_TYPE) throw new KeyError('signer key is not an Ed25519 key');
  const key = signingKeyFrom(keyName, privateFromSeed(body.subarray(1)));
  if (key.keyId.toString('hex') !== idHex) throw new KeyError('signer key id does not match the key');
  return key;
}

/**
 * Parses a verifier key: the `<name>+<id>+<key>` text form, an SPKI PEM together with `name`,
 * or a signer key (its public half is used). If `name` is given it must match.
 */
export function parseVerifierKey(text: string, name?: string): VerifierKey {
  const t = text.trim();
  if (t.startsWith('PRIVATE+KEY+') || t.includes('PRIVATE KEY-----')) return toVerifierKey(parseSigningKey(t, name));
  if (t.startsWith('-----BEGIN')) {
    if (name === undefined) throw new KeyError('a PEM key carries no name: pass the key name');
    let k: KeyObject;
    try {
      k = createPublicKey(t);
    } catch {
      throw new KeyError('unreadable public key PEM');
    }
    return verifierKeyFrom(name, k);
  }
  const parts = splitPlus(t, 3);
  if (!parts) throw new KeyError('expected <name>+<id>+<key> or a PEM public key');
  const [keyName, idHex, b64] = parts;
  checkName(keyName, name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new KeyError('verifier key id must be 8 hex digits');
  const body = b64Strict(b64, 'verifier key');
  if (body.length !== 33 || body[0] !== ED25519_SIGNATURE_TYPE) throw new KeyError('verifier key is not an Ed25519 key');
  const key = verifierKeyFrom(keyName, publicFromRaw(body.subarray(1)));
  if (key.keyId.toString('hex') !== idHex) throw new KeyError('verifier key id does not match the key');
  return key;
}
