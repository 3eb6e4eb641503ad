import { KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { Role } from './auth-user';
import { devKeys } from './dev-keys';

export const DEFAULT_ISSUER = 'kinlink-dev';
export const DEFAULT_AUDIENCE = 'kinlink-admin-api';

export interface DevTokenClaims {
  role: Role | (string & {});
  agency?: string;
  agencies?: string[];
  sub?: string;
  /** any other claim (or an override of a standard one) */
  [claim: string]: unknown;
}

export interface DevTokenOptions {
  /** lifetime in seconds from now (default 3600); ≤ 0 gives an already-expired token */
  ttlSeconds?: number;
  /** shorthand for an expired token (exp 10 minutes ago, well past the clock tolerance) */
  expired?: boolean;
  /** no `exp` claim at all */
  omitExp?: boolean;
  /** `nbf` this many seconds from now */
  notBeforeSeconds?: number;
  issuer?: string;
  audience?: string | string[];
  /**
   * `EdDSA` (default): signed with the dev private key (or `privateKey`).
   * `none`: unsecured token (`alg: none`, empty signature), for negative tests.
   * `HS256-public-key`: HMAC signed with the verifier's public key bytes (the key-confusion attack).
   */
  alg?: 'EdDSA' | 'none' | 'HS256-public-key';
  /** signing key other than the dev key (e.g. a foreign key for "wrong signer" tests) */
  privateKey?: KeyObject;
  /** `kid` header; default the dev key's id; `null` for none */
  kid?: string | null;
  /** dev keys directory (tests); default `<repo>/.run/dev-keys` */
  keysDir?: string;
  /** "now" in seconds since the epoch (tests) */
  now?: number;
}

/**
 * Mints a token for local use and tests. Defaults match the admin API's dev defaults (issuer
 * `kinlink-dev`, audience `kinlink-admin-api`, or AUTH_ISSUER / AUTH_AUDIENCE when set). Not for
 * production: the dev key pair refuses to load there.
 */
export async function mintDevToken(claims: DevTokenClaims, options: DevTokenOptions = {}): Promise<string> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const ttl = options.expired ? -600 : (options.ttlSeconds ?? 3600);
  const { role, agency, agencies, sub, ...extra } = claims;
  const payload: Record<string, unknown> = {
    ...(agency === undefined ? {} : { agency }),
    ...(agencies === undefined ? {} : { agencies }),
    role,
    ...extra,
  };
  const issuer = options.issuer ?? envOr('AUTH_ISSUER', DEFAULT_ISSUER);
  const audience = options.audience ?? envOr('AUTH_AUDIENCE', DEFAULT_AUDIENCE);
  const subject = sub ?? `dev-${String(role)}-${agency ?? 'none'}`;
  const iat = Math.min(now, now + ttl - 1);
  const exp = options.omitExp ? undefined : now + ttl;

  if (options.alg === 'none') {
    const jwt = new UnsecuredJWT(payload).setIssuer(issuer).setAudience(audience).setSubject(subject).setIssuedAt(iat);
    if (exp !== undefined) jwt.setExpirationTime(exp);
    if (options.notBeforeSeconds !== undefined) jwt.setNotBefore(now + options.notBeforeSeconds);
    return jwt.encode();
  }

  const keys = options.privateKey && options.alg !== 'HS256-public-key' ? undefined : devKeys({ dir: options.keysDir });
  const jwt = new SignJWT(payload).setIssuer(issuer).setAudience(audience).setSubject(subject).setIssuedAt(iat);
  if (exp !== undefined) jwt.setExpirationTime(exp);
  if (options.notBeforeSeconds !== undefined) jwt.setNotBefore(now + options.notBeforeSeconds);
  const kid = options.kid === undefined ? keys?.kid : (options.kid ?? undefined);

  if (options.alg === 'HS256-public-key') {
    const publicPem = keys!.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) });
    return jwt.sign(new TextEncoder().encode(publicPem));
  }
  const signingKey = options.privateKey ?? keys!.privateKey;
  jwt.setProtectedHeader({ alg: algFor(signingKey), typ: 'JWT', ...(kid ? { kid } : {}) });
  return jwt.sign(signingKey);
}

function algFor(key: KeyObject): 'EdDSA' | 'RS256' {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  throw new Error(`Unsupported signing key type ${key.asymmetricKeyType ?? '?'}`);
}

function envOr(name: string, fallback: string): string {
  const value = process.env[name];
  return value && value.trim() !== '' ? value : fallback;
}
