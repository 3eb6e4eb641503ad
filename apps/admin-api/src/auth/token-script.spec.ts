import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { devKeys, repoRoot } from './dev-keys';
import { JoseTokenVerifier, toVerificationKey } from './token-verifier';

const run = promisify(execFile);
const root = repoRoot();

/** `npm run token -- …` is `node -r @swc-node/register scripts/token.ts …` */
function token(...args: string[]) {
  const env = { ...process.env, AUTH_ISSUER: '', AUTH_AUDIENCE: '' };
  return run(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts', 'token.ts'), ...args], { cwd: root, env });
}

describe('scripts/token.ts', () => {
  jest.setTimeout(30_000);
  const verifier = JoseTokenVerifier.withStaticKeys([toVerificationKey(devKeys().publicKey)], {
    issuer: 'kinlink-dev',
    audience: 'kinlink-admin-api',
    clockToleranceSeconds: 5,
  });

  it('prints only a signed EdDSA token that the admin API accepts', async () => {
    const { stdout } = await token('--role', 'coordinator', '--agency', 'unhcr', '--agencies', 'unhcr,icrc', '--sub', 'alice', '--ttl', '120');
    const jwt = stdout.trim();
    expect(stdout).toBe(`${jwt}\n`);
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: devKeys().kid });
    const claims = decodeJwt(jwt);
    expect(claims.exp! - claims.iat!).toBe(120);
    await expect(verifier.verify(jwt)).resolves.toEqual({ id: 'alice', role: 'coordinator', agencyId: 'unhcr', agencyScope: ['unhcr', 'icrc'] });
  });

  it('honours --audience and --issuer', async () => {
    const { stdout } = await token('--role', 'auditor', '--agency', 'icrc', '--audience', 'other-api', '--issuer', 'other-iss');
    expect(decodeJwt(stdout.trim())).toMatchObject({ aud: 'other-api', iss: 'other-iss', role: 'auditor', agency: 'icrc' });
  });

  it.each([
    [['--agency', 'unhcr']],
    [['--role', 'root', '--agency', 'unhcr']],
    [['--role', 'coordinator']],
    [['--role', 'coordinator', '--agency', 'unhcr', '--ttl', '-5']],
    [['--role', 'coordinator', '--agency', 'unhcr', '--bogus']],
  ])('refuses bad arguments %j with exit code 2 and usage', async (args) => {
    const error = (await token(...args).catch((e: unknown) => e)) as { code: number; stderr: string; stdout: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/usage: npm run -s token/);
    expect(error.stdout).toBe('');
  });
});
