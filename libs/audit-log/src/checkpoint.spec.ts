import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  addCheckpointSignature, CheckpointError, computeKeyId, encodeSigningKey, encodeVerifierKey, generateSigningKey,
  KeyError, parseCheckpoint, parseSigningKey, parseVerifierKey, signCheckpoint, signingKeyToPem, toVerifierKey,
  verifierKeyToPem, verifyCheckpoint,
} from './index';

const ORIGIN = 'kinlink.example/audit';
const ROOT = createHash('sha256').update('root').digest();
const key = generateSigningKey(ORIGIN);

describe('keys (C2SP signed-note Ed25519)', () => {
  it('key id = SHA-256(name || 0x0A || 0x01 || public key)[:4]', () => {
    const raw = Buffer.from(key.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const want = createHash('sha256').update(Buffer.concat([Buffer.from(ORIGIN), Buffer.from([0x0a, 0x01]), raw])).digest().subarray(0, 4);
    expect(key.keyId.equals(want)).toBe(true);
    expect(computeKeyId(ORIGIN, raw).equals(want)).toBe(true);
  });

  it('text and PEM encodings round-trip', () => {
    const vkey = encodeVerifierKey(key);
    expect(vkey).toMatch(new RegExp(`^${ORIGIN.replace('.', '\\.')}\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}$`));
    const skey = encodeSigningKey(key);
    expect(skey.startsWith(`PRIVATE+KEY+${ORIGIN}+${key.keyId.toString('hex')}+`)).toBe(true);

    const s2 = parseSigningKey(skey);
    expect(encodeVerifierKey(s2)).toBe(vkey);
    expect(encodeVerifierKey(parseVerifierKey(vkey))).toBe(vkey);
    expect(encodeVerifierKey(parseVerifierKey(verifierKeyToPem(key), ORIGIN))).toBe(vkey);
    expect(encodeVerifierKey(parseSigningKey(signingKeyToPem(key), ORIGIN))).toBe(vkey);
    expect(encodeVerifierKey(parseVerifierKey(skey))).toBe(vkey); // public half of a signer key

    expect(() => parseVerifierKey(verifierKeyToPem(key))).toThrow(KeyError); // PEM has no name
    expect(() => parseVerifierKey(vkey, 'other.example/log')).toThrow(KeyError);
    expect(() => parseVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(/key id/);
    expect(() => generateSigningKey('has space')).toThrow(KeyError);
    expect(() => generateSigningKey('a+b')).toThrow(KeyError);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const input = { origin: ORIGIN, treeSize: 1234, rootHash: ROOT, timestamp: '2025-03-01T10:00:00.000Z' };

  it('has the documented text format and verifies', () => {
    const text = signCheckpoint(input, key);
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([ORIGIN, '1234', ROOT.toString('base64'), 'timestamp 2025-03-01T10:00:00.000Z', '']);
    expect(lines[5]).toMatch(/^\u2014 kinlink\.example\/audit [A-Za-z0-9+/]{91}=$/);
    expect(lines[6]).toBe('');
    expect(lines).toHaveLength(7);
    // signature = key id || Ed25519(body)
    const sig = Buffer.from(lines[5].split(' ')[2], 'base64');
    expect(sig.subarray(0, 4).equals(key.keyId)).toBe(true);
    const body = `${lines.slice(0, 4).join('\n')}\n`;
    expect(sig.subarray(4).equals(sign(null, Buffer.from(body), key.privateKey))).toBe(true); // Ed25519 is deterministic

    const cp = verifyCheckpoint(text, encodeVerifierKey(key));
    expect(cp).toMatchObject({ origin: ORIGIN, treeSize: 1234, timestamp: '2025-03-01T10:00:00.000Z' });
    expect(cp.rootHash.equals(ROOT)).toBe(true);
    expect(verifyCheckpoint(text, verifierKeyToPem(key), ORIGIN).treeSize).toBe(1234);
    expect(verifyCheckpoint(text, key.publicKey, ORIGIN).treeSize).toBe(1234);
    expect(verifyCheckpoint(signCheckpoint({ origin: ORIGIN, treeSize: 0, rootHash: ROOT.toString('hex') }, encodeSigningKey(key)), key).timestamp).toBeUndefined();
  });

  it('round-trips the signing inputs exactly', () => {
    const text = signCheckpoint(input, signingKeyToPem(key), ORIGIN);
    const cp = parseCheckpoint(text);
    expect(cp.body).toBe(`${ORIGIN}\n1234\n${ROOT.toString('base64')}\ntimestamp 2025-03-01T10:00:00.000Z\n`);
    expect(cp.signatures).toHaveLength(1);
    expect(cp.signatures[0].keyName).toBe(ORIGIN);
  });

  it('a tampered body, signature or wrong key fails', () => {
    const text = signCheckpoint(input, key);
    const other = generateSigningKey(ORIGIN); // same name, different key
    const tampered = [
      text.replace('1234', '1235'),
      text.replace(ROOT.toString('base64'), createHash('sha256').update('x').digest('base64')),
      text.replace('2025-03-01', '2025-03-02'),
      text.replace(ORIGIN + '\n', 'kinlink.example/audjt\n'),
    ];
    for (const t of tampered) expect(() => verifyCheckpoint(t, key)).toThrow(CheckpointError);
    // flip every byte of the signature line's base64 payload one at a time
    const sigStart = text.lastIndexOf(' ') + 1;
    let flips = 0;
    for (let i = sigStart; i < text.length - 2; i++) {
      const c = text[i] === 'A' ? 'B' : 'A';
      const t = text.slice(0, i) + c + text.slice(i + 1);
      expect(() => verifyCheckpoint(t, key)).toThrow(CheckpointError);
      flips++;
    }
    expect(flips).toBeGreaterThan(80);
    expect(() => verifyCheckpoint(text, other)).toThrow(/no signature/);
    expect(() => verifyCheckpoint(text, generateSigningKey('other.example/log'))).toThrow(/no signature/);
  });

  it('ignores unknown keys, accepts a second (rotated / witness) signature, rejects a bad known one', () => {
    const witness = generateSigningKey('witness.example/w1');
    const text = addCheckpointSignature(signCheckpoint(input, key), witness);
    expect(verifyCheckpoint(text, key).treeSize).toBe(1234);
    expect(verifyCheckpoint(text, toVerifierKey(witness)).treeSize).toBe(1234);
    // a signature line that claims to be the trusted key but does not verify rejects the note
    const forged = `${text}\u2014 ${ORIGIN} ${Buffer.concat([key.keyId, Buffer.alloc(64, 7)]).toString('base64')}\n`;
    expect(() => verifyCheckpoint(forged, key)).toThrow(/invalid signature/);
    // same name, different id: ignored (not ours)
    const foreign = `${signCheckpoint(input, key)}\u2014 ${ORIGIN} ${Buffer.concat([Buffer.from('abcd'), Buffer.alloc(64)]).toString('base64')}\n`;
    expect(verifyCheckpoint(foreign, key).treeSize).toBe(1234);
  });

  it('parsing is strict', () => {
    const text = signCheckpoint(input, key);
    const bad = [
      text.slice(0, -1), // no final newline
      text.replace('\n\n', '\n'), // no blank line
      text.replace('1234', '01234'),
      text.replace('1234', '-1'),
      text.replace('1234', '9007199254740993'),
      text.replace(ROOT.toString('base64'), ROOT.subarray(0, 31).toString('base64')),
      text.replace(ROOT.toString('base64'), ROOT.toString('base64').replace('=', '')),
      text.replace('timestamp 2025-03-01T10:00:00.000Z', 'timestamp soon'),
      text.replace('\u2014 ', '- '),
      text.replace(ORIGIN + '\n', ORIGIN + '\t\n'),
      text.slice(0, text.indexOf('\n\n') + 2),
    ];
    for (const t of bad) expect(() => parseCheckpoint(t)).toThrow(CheckpointError);
    expect(() => signCheckpoint({ ...input, treeSize: -1 }, key)).toThrow();
    expect(() => signCheckpoint({ ...input, rootHash: Buffer.alloc(31) }, key)).toThrow();
    expect(() => signCheckpoint({ ...input, origin: 'a\nb' }, key)).toThrow();
    expect(() => signCheckpoint(input, key, 'another-name')).toThrow(KeyError);
  });

  it('verifies notes made by an independent implementation of the format', () => {
    // Build the note by hand from the C2SP text, with a raw Node key, then verify with our code.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const name = 'example.com/behind-the-sofa';
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const id = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([1]), raw])).digest().subarray(0, 4);
    const body = `${name}\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n`;
    const note = `${body}\n\u2014 ${name} ${Buffer.concat([id, sign(null, Buffer.from(body), privateKey)]).toString('base64')}\n`;
    const vkey = `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
    const cp = verifyCheckpoint(note, vkey);
    expect(cp.treeSize).toBe(20852163);
    expect(cp.rootHash.toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  });
});
