/**
 * Mints a development bearer token for the admin API, signed (EdDSA) with the dev key pair under
 * .run/dev-keys/ (created on first use). The admin API verifies it when started without
 * AUTH_JWKS_URL / AUTH_PUBLIC_KEY_FILE outside production.
 *
 *   npm run -s token -- --role coordinator --agency unhcr [--agencies unhcr,icrc] [--sub alice]
 *                       [--ttl 3600] [--audience kinlink-admin-api] [--issuer kinlink-dev]
 *
 * Prints only the token on stdout (use `-s` so npm adds nothing): TOKEN=$(npm run -s token -- …)
 */
import { parseArgs } from 'node:util';
import { ROLES } from '../apps/admin-api/src/auth/auth-user';
import { AGENCY_ID_PATTERN } from '../apps/admin-api/src/auth/claims';
import { mintDevToken } from '../apps/admin-api/src/auth/dev-tokens';

const USAGE = `usage: npm run -s token -- --role <${ROLES.join('|')}> --agency <id>
       [--agencies a,b] [--sub <id>] [--ttl <seconds>] [--audience <aud>] [--issuer <iss>]`;

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        agency: { type: 'string' },
        agencies: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        audience: { type: 'string' },
        issuer: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (process.env.NODE_ENV === 'production') fail('dev tokens are not minted with NODE_ENV=production');
  const role = values.role;
  if (!role || !(ROLES as readonly string[]).includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  const agency = values.agency;
  if (!agency || !AGENCY_ID_PATTERN.test(agency)) fail('--agency <id> is required (letters, digits, . _ -)');
  const agencies = values.agencies?.split(',').map((a) => a.trim()).filter(Boolean);
  if (agencies?.some((a) => !AGENCY_ID_PATTERN.test(a))) fail('--agencies must be a comma-separated list of agency ids');
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 30 * 24 * 3600) fail('--ttl must be a whole number of seconds, 1 … 2592000');

  const token = await mintDevToken(
    { role, agency, ...(agencies ? { agencies } : {}), ...(values.sub ? { sub: values.sub } : {}) },
    { ttlSeconds: ttl, ...(values.audience ? { audience: values.audience } : {}), ...(values.issuer ? { issuer: values.issuer } : {}) },
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
