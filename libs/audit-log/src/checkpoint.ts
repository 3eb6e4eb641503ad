/**
 * Signed checkpoints (C2SP tlog-checkpoint over C2SP signed-note), Ed25519 only:
 *
 *   <origin>\n
 *   <tree size, decimal, no leading zeros>\n
 *   <base64 root hash>\n
 *   [timestamp <ISO-8601 UTC>\n]        optional extension line
 *   \n
 *   — <key name> <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>\n
 *   [more signature lines: other keys, witnesses, a rotated key]
 *
 * The signature covers the note text: everything before the separating blank line, including
 * its final newline.
 */
import { KeyObject, sign as edSign, verify as edVerify } from 'node:crypto';
import { assertHash, HASH_SIZE, isHashHex } from './hash';
import { KeyError, parseSigningKey, parseVerifierKey, SigningKey, VerifierKey, assertKeyName, computeKeyId } from './keys';

const EM_DASH = '\u2014';
const MAX_SIGNATURES = 64;
const MAX_NOTE_BYTES = 64 * 1024;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
export const TIMESTAMP_EXTENSION = 'timestamp';

export interface CheckpointInput {
  origin: string;
  treeSize: number;
  /** 32 bytes, or 64 lowercase hex digits */
  rootHash: Uint8Array | string;
  /** written as the extension line `timestamp <ISO-8601 UTC>` */
  timestamp?: Date | string;
}

export interface NoteSignature {
  keyName: string;
  keyId: Buffer;
  /** the signature bytes after the 4-byte key id */
  signature: Buffer;
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** from the `timestamp` extension line, if present */
  timestamp?: string;
  /** all extension lines, verbatim (including the timestamp line) */
  extensions: string[];
  /** the signed note text (body), ending in a newline */
  body: string;
  signatures: NoteSignature[];
  /** the whole note as given */
  text: string;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

function fail(msg: string): never {
  throw new CheckpointError(msg);
}

function checkOrigin(origin: unknown): asserts origin is string {
  if (typeof origin !== 'string' || origin.length === 0 || /[\u0000-\u001f\u007f]/.test(origin)) {
    fail('origin must be a non-empty line without control characters');
  }
  if (origin.startsWith(EM_DASH)) fail('origin must not start with an em dash');
}

function isoTimestamp(t: Date | string): string {
  const s = t instanceof Date ? t.toISOString() : t;
  if (!ISO_UTC.test(s) || Number.isNaN(Date.parse(s))) fail('timestamp must be ISO-8601 UTC, e.g. 2025-01-31T09:30:00.000Z');
  return s;
}

function strictBase64(s: string, what: string): Buffer {
  const buf = Buffer.from(s, 'base64');
  if (s.length === 0 || buf.toString('base64') !== s) fail(`${what} is not canonical base64`);
  return buf;
}

/** The note text (body) of a checkpoint, without signatures. */
export function checkpointBody(input: CheckpointInput): string {
  checkOrigin(input.origin);
  if (!Number.isSafeInteger(input.treeSize) || input.treeSize < 0) fail('tree size must be a non-negative safe integer');
  let root: Buffer;
  if (typeof input.rootHash === 'string') {
    if (!isHashHex(input.rootHash)) fail('root hash must be 32 bytes or 64 lowercase hex digits');
    root = Buffer.from(input.rootHash, 'hex');
  } else {
    assertHash(input.rootHash, 'root hash');
    root = Buffer.from(input.rootHash);
  }
  let body = `${input.origin}\n${input.treeSize}\n${root.toString('base64')}\n`;
  if (input.timestamp !== undefined) body += `${TIMESTAMP_EXTENSION} ${isoTimestamp(input.timestamp)}\n`;
  return body;
}

function resolveSigner(privateKey: SigningKey | KeyObject | string, keyName: string | undefined): { name: string; keyId: Buffer; key: KeyObject } {
  if (typeof privateKey === 'string') {
    const k = parseSigningKey(privateKey, keyName);
    return { name: k.name, keyId: k.keyId, key: k.privateKey };
  }
  if (privateKey instanceof KeyObject) {
    if (keyName === undefined) throw new KeyError('pass the key name with a bare KeyObject');
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new KeyError('not an Ed25519 private key');
    return { name: keyName, keyId: computeKeyId(keyName, privateKey), key: privateKey };
  }
  if (keyName !== undefined && keyName !== privateKey.name) throw new KeyError(`key is named "${privateKey.name}", expected "${keyName}"`);
  return { name: privateKey.name, keyId: privateKey.keyId, key: privateKey.privateKey };
}

function resolveVerifier(publicKey: VerifierKey | KeyObject | string, keyName: string | undefined): VerifierKey {
  if (typeof publicKey === 'string') return parseVerifierKey(publicKey, keyName);
  if (publicKey instanceof KeyObject) {
    if (keyName === undefined) throw new KeyError('pass the key name with a bare KeyObject');
    assertKeyName(keyName);
    return { name: keyName, keyId: computeKeyId(keyName, publicKey), publicKey };
  }
  if (keyName !== undefined && keyName !== publicKey.name) throw new KeyError(`key is named "${publicKey.name}", expected "${keyName}"`);
  return publicKey;
}

/**
 * Signs a checkpoint and returns the signed note text.
 * @param privateKey a {@link SigningKey}, a `PRIVATE+KEY+…` string, a PKCS#8 PEM or an Ed25519 KeyObject
 * @param keyName required for PEM / KeyObject keys; otherwise checked against the key's own name
 */
export function signCheckpoint(input: CheckpointInput, privateKey: SigningKey | KeyObject | string, keyName?: string): string {
  const body = checkpointBody(input);
  const signer = resolveSigner(privateKey, keyName);
  return `${body}\n${signatureLine(body, signer)}`;
}

function signatureLine(body: string, signer: { name: string; keyId: Buffer; key: KeyObject }): string {
  const sig = edSign(null, Buffer.from(body, 'utf8'), signer.key);
  return `${EM_DASH} ${signer.name} ${Buffer.concat([signer.keyId, sig]).toString('base64')}\n`;
}

/**
 * Adds a signature line by another key (key rotation, or a witness cosigning what it verified).
 * Does not verify existing signatures.
 */
export function addCheckpointSignature(text: string, privateKey: SigningKey | KeyObject | string, keyName?: string): string {
  const cp = parseCheckpoint(text);
  return `${text}${signatureLine(cp.body, resolveSigner(privateKey, keyName))}`;
}

/** Parses a checkpoint WITHOUT verifying any signature: use {@link verifyCheckpoint} before trusting it. */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string') fail('checkpoint must be a string');
  if (Buffer.byteLength(text, 'utf8') > MAX_NOTE_BYTES) fail('checkpoint is too large');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) fail('checkpoint contains control characters');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) fail('checkpoint is not valid Unicode');
  if (!text.endsWith('\n')) fail('checkpoint must end with a newline');
  const sep = text.lastIndexOf('\n\n');
  if (sep < 0) fail('checkpoint has no blank line before its signatures');
  const body = text.slice(0, sep + 1);
  const sigBlock = text.slice(sep + 2);

  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) fail('checkpoint body must have origin, tree size and root hash lines');
  if (lines.some((l) => l.length === 0)) fail('checkpoint body lines must be non-empty');
  const [origin, sizeText, rootText, ...extensions] = lines;
  checkOrigin(origin);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) fail('tree size must be decimal without leading zeros');
  const treeSize = Number(sizeText);
  if (!Number.isSafeInteger(treeSize)) fail('tree size is too large');
  const rootHash = strictBase64(rootText, 'root hash');
  if (rootHash.length !== HASH_SIZE) fail(`root hash must be ${HASH_SIZE} bytes`);
  let timestamp: string | undefined;
  for (const ext of extensions) {
    if (ext.startsWith(`${TIMESTAMP_EXTENSION} `)) {
      if (timestamp !== undefined) fail('more than one timestamp line');
      timestamp = isoTimestamp(ext.slice(TIMESTAMP_EXTENSION.length + 1));
    }
  }

  const sigLines = sigBlock.slice(0, -1).split('\n');
  if (sigBlock.length === 0 || sigLines.length === 0) fail('checkpoint has no signatures');
  if (sigLines.length > MAX_SIGNATURES) fail('checkpoint has too many signatures');
  const signatures = sigLines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m) fail('malformed signature line');
    const raw = strictBase64(m[2], 'signature');
    if (raw.length < 5) fail('signature is too short');
    return { keyName: m[1], keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
  });
  return { origin, treeSize, rootHash, timestamp, extensions, body, signatures, text };
}

/**
 * Parses and verifies a checkpoint against a trusted key and returns it. Throws
 * {@link CheckpointError} unless a signature by that key (same name and key id) verifies;
 * any signature by that key that fails to verify rejects the note. Signatures by other keys are
 * ignored (key rotation, witness cosignatures). Only use values from the returned object.
 *
 * @param publicKey a {@link VerifierKey}, `<name>+<id>+<key>` text, an SPKI PEM or a KeyObject
 * @param keyName required with PEM / KeyObject; otherwise checked against the key's own name
 */
export function verifyCheckpoint(text: string, publicKey: VerifierKey | KeyObject | string, keyName?: string): Checkpoint {
  const key = resolveVerifier(publicKey, keyName);
  const cp = parseCheckpoint(text);
  const body = Buffer.from(cp.body, 'utf8');
  let verified = 0;
  for (const s of cp.signatures) {
    if (s.keyName !== key.name || !s.keyId.equals(key.keyId)) continue;
    if (s.signature.length !== 64 || !edVerify(null, body, key.publicKey, s.signature)) {
      fail(`invalid signature by ${key.name}`);
    }
    verified++;
  }
  if (verified === 0) fail(`no signature by ${key.name} (key id ${key.keyId.toString('hex')})`);
  return cp;
}
