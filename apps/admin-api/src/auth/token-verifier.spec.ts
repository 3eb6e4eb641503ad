import { generateKeyPairSync, KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportJWK, SignJWT } from 'jose';
import { AuthConfigError, AuthSettings } from './auth.config';
import { AuthError, AuthErrorCode } from './auth.errors';
import { devKeys } from './dev-keys';
import { mintDevToken } from './dev-tokens';
import { JoseTokenVerifier, MAX_TOKEN_LENGTH, readPublicKeys, toVerificationKey, TokenVerifier } from './token-verifier';

const options = { issuer: 'kinlink-dev', audience: 'kinlink-admin-api', clockToleranceSeconds: 5 };
const silent = { log: () => undefined, warn: () => undefined };

let tmp: string;
let verifier: TokenVerifier;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinlink-auth-'));
  verifier = JoseTokenVerifier.withStaticKeys([toVerificationKey(devKeys().publicKey)], options);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<AuthErrorCode> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
  throw new Error('expected the token to be refused');
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('JoseTokenVerifier', () => {
  it('accepts a valid dev token and maps its claims', async () => {
    const token = await mintDevToken({ role: 'coordinator', agency: 'unhcr', agencies: ['icrc'], sub: 'alice' });
    await expect(verifier.verify(token)).resolves.toEqual({
      id: 'alice',
      role: 'coordinator',
      agencyId: 'unhcr',
      agencyScope: ['unhcr', 'icrc'],
    });
  });

  it('defaults the scope to the own agency', async () => {
    const user = await verifier.verify(await mintDevToken({ role: 'supervisor', agency: 'icrc' }));
    expect(user.agencyScope).toEqual(['icrc']);
  });

  it('accepts a token expired within the 5 s clock tolerance, refuses beyond it', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await mintDevToken({ role: 'auditor', agency: 'unhcr' }, { now: now - 63, ttlSeconds: 60 }))).resolves.toBeDefined();
    expect(await refusal(verifier.verify(await mintDevToken({ role: 'auditor', agency: 'unhcr' }, { now: now - 70, ttlSeconds: 60 })))).toBe('token_expired');
  });

  it.each<[string, () => Promise<string>, AuthErrorCode]>([
    ['expired', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { expired: true }), 'token_expired'],
    ['wrong audience', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { audience: 'kinlink-other-api' }), 'token_wrong_audience'],
    ['wrong issuer', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { issuer: 'https://evil.example' }), 'token_wrong_issuer'],
    ['not yet valid', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { notBeforeSeconds: 600 }), 'token_not_yet_valid'],
    ['alg none', () => mintDevToken({ role: 'system-admin', agency: 'unhcr' }, { alg: 'none' }), 'token_invalid'],
    ['HS256 signed with the public key (key confusion)', () => mintDevToken({ role: 'system-admin', agency: 'unhcr' }, { alg: 'HS256-public-key' }), 'token_invalid'],
    ['signed by a foreign key', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { privateKey: generateKeyPairSync('ed25519').privateKey, kid: null }), 'token_invalid'],
    ['unknown role', () => mintDevToken({ role: 'superuser', agency: 'unhcr' }), 'token_claims_invalid'],
    ['missing agency', () => mintDevToken({ role: 'coordinator' }), 'token_claims_invalid'],
    ['malformed agencies', () => mintDevToken({ role: 'coordinator', agency: 'unhcr', agencies: 'icrc' as unknown as string[] }), 'token_claims_invalid'],
    ['agency id with SQL in it', () => mintDevToken({ role: 'coordinator', agency: "unhcr' OR 1=1 --" }), 'token_claims_invalid'],
    ['missing sub', () => mintDevToken({ role: 'coordinator', agency: 'unhcr', sub: '' }), 'token_claims_invalid'],
    ['no exp', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { omitExp: true }), 'token_claims_invalid'],
  ])('refuses a token: %s', async (_name, mint, code) => {
    expect(await refusal(verifier.verify(await mint()))).toBe(code);
  });

  it('refuses a token whose payload was changed after signing (tampered)', async () => {
    const token = await mintDevToken({ role: 'coordinator', agency: 'unhcr' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${b64url({ ...claims, role: 'system-admin' })}.${signature}`;
    expect(await refusal(verifier.verify(forged))).toBe('token_invalid');
  });

  it('refuses a token whose signature was altered', async () => {
    const token = await mintDevToken({ role: 'coordinator', agency: 'unhcr' });
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    expect(await refusal(verifier.verify(`${token.slice(0, -2)}${last}${token.at(-1)}`))).toBe('token_invalid');
  });

  it('refuses a hand-built alg:none token with a "none" signature part', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'x', role: 'system-admin', agency: 'unhcr', iss: 'kinlink-dev', aud: 'kinlink-admin-api', exp: now + 60 })}.`;
    expect(await refusal(verifier.verify(token))).toBe('token_invalid');
  });

  it('refuses garbage and oversized tokens without throwing library errors', async () => {
    for (const token of ['', 'abc', 'a.b.c', 'x'.repeat(MAX_TOKEN_LENGTH + 1)]) {
      expect(await refusal(verifier.verify(token))).toBe('token_invalid');
    }
  });

  it('keeps library messages out of the client-facing code (message is for logs only)', async () => {
    const error = await verifier.verify(await mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { alg: 'none' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
  });
});

describe('static keys from AUTH_PUBLIC_KEY_FILE', () => {
  function pem(key: KeyObject): string {
    return key.export({ type: 'spki', format: 'pem' }).toString();
  }

  it('verifies RS256 tokens with an RSA key and tries every key of the file (rotation)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ed = generateKeyPairSync('ed25519');
    const ed2 = generateKeyPairSync('ed25519');
    const file = path.join(tmp, 'keys.pem');
    fs.writeFileSync(file, `${pem(ed.publicKey)}\n${pem(rsa.publicKey)}\n${pem(ed2.publicKey)}`);
    const settings: AuthSettings = { keys: { kind: 'pem-file', path: file }, ...options, realm: 'x', production: true };
    const v = JoseTokenVerifier.fromSettings(settings, silent);
    // no kid: the verifier tries both Ed25519 keys
    const byEd2 = await mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { privateKey: ed2.privateKey, kid: null });
    const byRsa = await mintDevToken({ role: 'supervisor', agency: 'icrc' }, { privateKey: rsa.privateKey, kid: 'whatever' });
    await expect(v.verify(byEd2)).resolves.toMatchObject({ role: 'coordinator' });
    await expect(v.verify(byRsa)).resolves.toMatchObject({ role: 'supervisor' });
    const foreign = await mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { privateKey: generateKeyPairSync('ed25519').privateKey, kid: null });
    expect(await refusal(v.verify(foreign))).toBe('token_invalid');
  });

  it('refuses HS256 signed with the RSA public key PEM (key confusion)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = path.join(tmp, 'rsa.pem');
    fs.writeFileSync(file, pem(rsa.publicKey));
    const v = JoseTokenVerifier.fromSettings({ keys: { kind: 'pem-file', path: file }, ...options, realm: 'x', production: true }, silent);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role: 'system-admin', agency: 'unhcr' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory').setIssuer(options.issuer).setAudience(options.audience).setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(pem(rsa.publicKey)));
    expect(await refusal(v.verify(token))).toBe('token_invalid');
  });

  it.each<[string, () => string, RegExp]>([
    ['a missing file', () => path.join(tmp, 'nope.pem'), /Cannot read/],
    ['a private key', () => {
      const f = path.join(tmp, 'private.pem');
      fs.writeFileSync(f, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
      return f;
    }, /private key/],
    ['no PEM block', () => {
      const f = path.join(tmp, 'empty.pem');
      fs.writeFileSync(f, 'hello');
      return f;
    }, /no "BEGIN PUBLIC KEY"/],
    ['a short RSA key', () => {
      const f = path.join(tmp, 'short.pem');
      fs.writeFileSync(f, pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey));
      return f;
    }, /too short/],
    ['an EC key', () => {
      const f = path.join(tmp, 'ec.pem');
      fs.writeFileSync(f, pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey));
      return f;
    }, /Ed25519 or RSA only/],
  ])('fails at boot on %s', (_name, file, message) => {
    expect(() => readPublicKeys(file())).toThrow(AuthConfigError);
    expect(() => readPublicKeys(file())).toThrow(message);
  });

  it('never falls back to dev keys in production', () => {
    expect(() => JoseTokenVerifier.fromSettings({ keys: { kind: 'dev' }, ...options, realm: 'x', production: true }, silent)).toThrow(AuthConfigError);
  });
});

describe('remote JWKS (AUTH_JWKS_URL)', () => {
  const idp = generateKeyPairSync('ed25519');
  let server: http.Server;
  let url: URL;
  let failing = false;

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'EdDSA', use: 'sig' };
    server = http.createServer((_req, res) => {
      if (failing) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies tokens against the fetched key set and refuses other signers', async () => {
    const v = JoseTokenVerifier.fromSettings({ keys: { kind: 'jwks', url }, ...options, realm: 'x', production: false }, silent);
    const good = await mintDevToken({ role: 'agency-admin', agency: 'icrc' }, { privateKey: idp.privateKey, kid: 'idp-1' });
    await expect(v.verify(good)).resolves.toMatchObject({ role: 'agency-admin', agencyId: 'icrc' });
    const dev = await mintDevToken({ role: 'agency-admin', agency: 'icrc' });
    expect(await refusal(v.verify(dev))).toBe('token_invalid');
    expect(await refusal(v.verify(await mintDevToken({ role: 'coordinator', agency: 'icrc' }, { alg: 'none' })))).toBe('token_invalid');
  });

  it('answers auth_unavailable (503) when the key set cannot be fetched', async () => {
    failing = true;
    try {
      const v = JoseTokenVerifier.fromSettings({ keys: { kind: 'jwks', url }, ...options, realm: 'x', production: false }, silent);
      const token = await mintDevToken({ role: 'coordinator', agency: 'icrc' }, { privateKey: idp.privateKey, kid: 'idp-1' });
      const error = await v.verify(token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).code).toBe('auth_unavailable');
      expect((error as AuthError).status).toBe(503);
    } finally {
      failing = false;
    }
  });
});
