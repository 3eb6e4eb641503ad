import { z } from 'zod';

/** Unset and empty are the same thing for these variables (`AUTH_JWKS_URL=` in a shell). */
const optionalString = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), inner.optional());

/**
 * Auth settings of the admin API. Spread into the service's env schema
 * (`baseEnvSchema.extend({ ...authEnvShape })`) so a wrong value stops the boot; `loadAuthSettings`
 * re-checks them either way.
 */
export const authEnvShape = {
  /** remote JWKS of the identity provider (https in production) */
  AUTH_JWKS_URL: optionalString(z.string().url()),
  /** path of a PEM file with one or more SPKI public keys (Ed25519 or RSA ≥ 2048 bits) */
  AUTH_PUBLIC_KEY_FILE: optionalString(z.string()),
  AUTH_ISSUER: optionalString(z.string()).transform((v) => v ?? 'kinlink-dev'),
  AUTH_AUDIENCE: optionalString(z.string()).transform((v) => v ?? 'kinlink-admin-api'),
  /** leeway for exp / nbf / iat, seconds */
  AUTH_CLOCK_TOLERANCE_SECONDS: optionalString(z.coerce.number().int().min(0).max(60)).transform((v) => v ?? 5),
};
const authEnvSchema = z.object(authEnvShape);
export type AuthEnv = z.infer<typeof authEnvSchema>;

/** The only algorithms a token may use. `none` and HMAC (key confusion) are refused. */
export const ALLOWED_ALGORITHMS = ['EdDSA', 'RS256'] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

export type AuthKeySource =
  | { kind: 'jwks'; url: URL }
  | { kind: 'pem-file'; path: string }
  /** local development only: the generated key pair under `<repo>/.run/dev-keys/` */
  | { kind: 'dev' };

export interface AuthSettings {
  keys: AuthKeySource;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** realm of the `WWW-Authenticate` challenge */
  realm: string;
  production: boolean;
}

export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

/** What `loadAuthSettings` needs from `ConfigService` (so tests can pass a plain object). */
export interface ConfigReader {
  get<T = unknown>(key: string): T | undefined;
}

/**
 * Reads and checks the auth settings. Throws `AuthConfigError` (so the app fails at boot) when:
 * both or, in production, neither of AUTH_JWKS_URL / AUTH_PUBLIC_KEY_FILE is set; a JWKS URL is
 * not https in production; a value is malformed.
 */
export function loadAuthSettings(config: ConfigReader): AuthSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(authEnvShape)) raw[key] = config.get(key);
  const parsed = authEnvSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new AuthConfigError(`Invalid auth settings:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const nodeEnv = config.get<string>('NODE_ENV') ?? process.env.NODE_ENV;
  const production = nodeEnv === 'production';

  let keys: AuthKeySource;
  if (env.AUTH_JWKS_URL && env.AUTH_PUBLIC_KEY_FILE) {
    throw new AuthConfigError('Set only one of AUTH_JWKS_URL and AUTH_PUBLIC_KEY_FILE');
  } else if (env.AUTH_JWKS_URL) {
    const url = new URL(env.AUTH_JWKS_URL);
    if (production && url.protocol !== 'https:') {
      throw new AuthConfigError('AUTH_JWKS_URL must use https in production');
    }
    keys = { kind: 'jwks', url };
  } else if (env.AUTH_PUBLIC_KEY_FILE) {
    keys = { kind: 'pem-file', path: env.AUTH_PUBLIC_KEY_FILE };
  } else if (production) {
    throw new AuthConfigError(
      'No token verification key configured: set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE (dev keys are never used in production)',
    );
  } else {
    keys = { kind: 'dev' };
  }
  return {
    keys,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_SECONDS,
    realm: env.AUTH_AUDIENCE,
    production,
  };
}

/** DI token of the loaded `AuthSettings`. */
export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');
