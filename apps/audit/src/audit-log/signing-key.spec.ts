import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSigningKey, encodeVerifierKey, generateSigningKey, signingKeyToPem } from '@kinlink/audit-log';
import { devKeyPath, loadSigningKey } from './signing-key';

describe('audit signing key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a dev key once, named after the origin, with its verifier key beside it', () => {
    const a = loadSigningKey({ origin: 'kinlink.audit/test', nodeEnv: 'development', devKeysDir: dir });
    const b = loadSigningKey({ origin: 'kinlink.audit/test', nodeEnv: 'development', devKeysDir: dir });
    expect(a.name).toBe('kinlink.audit/test');
    expect(encodeSigningKey(b)).toBe(encodeSigningKey(a));
    const file = devKeyPath('kinlink.audit/test', dir);
    expect(file).toMatch(/audit-kinlink\.audit_test\.key$/);
    expect(readFileSync(file.replace(/\.key$/, '.pub'), 'utf8').trim()).toBe(encodeVerifierKey(a));
    expect(encodeSigningKey(loadSigningKey({ origin: 'kinlink.audit/other', devKeysDir: dir }))).not.toBe(encodeSigningKey(a));
  });

  it('reads the key file (note text or PEM) and refuses to run without one in production', () => {
    const key = generateSigningKey('kinlink.audit/prod');
    writeFileSync(join(dir, 'k.txt'), encodeSigningKey(key));
    writeFileSync(join(dir, 'k.pem'), signingKeyToPem(key));
    expect(encodeSigningKey(loadSigningKey({ file: join(dir, 'k.txt'), origin: 'kinlink.audit/prod', nodeEnv: 'production' }))).toBe(encodeSigningKey(key));
    expect(encodeSigningKey(loadSigningKey({ file: join(dir, 'k.pem'), origin: 'kinlink.audit/prod', nodeEnv: 'production' }))).toBe(encodeSigningKey(key));
    expect(() => loadSigningKey({ origin: 'kinlink.audit/prod', nodeEnv: 'production', devKeysDir: dir })).toThrow(/AUDIT_SIGNING_KEY_FILE is required/);
    expect(() => loadSigningKey({ file: join(dir, 'missing'), origin: 'x', nodeEnv: 'production' })).toThrow(/cannot read/);
  });
});
