import { createPublicKey, KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, JWTHeaderParameters, jwtVerify, JWTVerifyGetKey, JWTVerifyOptions, KeyLike } from 'jose';
import { AllowedAlgorithm, ALLOWED_ALGORITHMS, AuthConfigError, AuthSettings } from './auth.config';
import { AuthError } from './auth.errors';
import { AuthUser } from './auth-user';
import { userFromClaims } from './claims';
import { devKeys, keyId } from './dev-keys';

/**
 * Port: bearer token → authenticated user. Throws `AuthError` (never a library error) when the
 * token is refused. Inject it by this class; `AuthModule` binds it to `JoseTokenVerifier`.
 */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<AuthUser>;
}

/** Longer tokens are refused before any parsing (headers are capped anyway; this is cheaper). */
export const MAX_TOKEN_LENGTH = 8192;

export interface VerificationKey {
  key: KeyObject;
  alg: AllowedAlgorithm;
  kid: string;
}

export interface JoseTokenVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** true when keys come over the network: failures to get them are 503, not 401 */
  remote?: boolean;
}

/** Verifies signed JWTs with jose: EdDSA / RS256 only; iss, aud and exp required and checked. */
export class JoseTokenVerifier extends TokenVerifier {
  private readonly verifyOptions: JWTVerifyOptions;

  constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly options: JoseTokenVerifierOptions,
  ) {
    super();
    this.verifyOptions = {
      algorithms: [...ALLOWED_ALGORITHMS],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    };
  }

  /** Builds the verifier from settings; reads key files now, so a bad key fails the boot. */
  static fromSettings(settings: AuthSettings, logger: Pick<Logger, 'log' | 'warn'> = new Logger('Auth')): JoseTokenVerifier {
    const common = {
      issuer: settings.issuer,
      audience: settings.audience,
      clockToleranceSeconds: settings.clockToleranceSeconds,
    };
    switch (settings.keys.kind) {
      case 'jwks':
        logger.log(`verifying tokens against JWKS ${settings.keys.url.origin}${settings.keys.url.pathname}`);
        return new JoseTokenVerifier(createRemoteJWKSet(settings.keys.url), { ...common, remote: true });
      case 'pem-file': {
        const keys = readPublicKeys(settings.keys.path);
        logger.log(`verifying tokens with ${keys.length} public key(s) from ${settings.keys.path}`);
        return JoseTokenVerifier.withStaticKeys(keys, common);
      }
      case 'dev': {
        if (settings.production) throw new AuthConfigError('Dev keys are never used in production');
        const dev = devKeys();
        logger.warn(`no AUTH_JWKS_URL / AUTH_PUBLIC_KEY_FILE: verifying tokens with the DEV key in ${dev.dir} (development only)`);
        return JoseTokenVerifier.withStaticKeys([toVerificationKey(dev.publicKey)], common);
      }
    }
  }

  static withStaticKeys(keys: VerificationKey[], options: Omit<JoseTokenVerifierOptions, 'remote'>): JoseTokenVerifier {
    if (keys.length === 0) throw new AuthConfigError('No public key given');
    return new JoseTokenVerifier(staticKeyLookup(keys), { ...options, remote: false });
  }

  async verify(token: string): Promise<AuthUser> {
    if (!token || token.length > MAX_TOKEN_LENGTH) throw new AuthError('token_invalid', 'token empty or too long');
    let payload: Record<string, unknown>;
    try {
      payload = (await this.verifyWithAnyMatchingKey(token)).payload;
    } catch (error) {
      throw toAuthError(error, this.options.remote === true);
    }
    return userFromClaims(payload);
  }

  /** jose leaves several keys matching the header (same alg, no kid) to the caller: try each. */
  private async verifyWithAnyMatchingKey(token: string) {
    try {
      return await jwtVerify(token, this.keys, this.verifyOptions);
    } catch (error) {
      if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
      const candidates = error as unknown as AsyncIterable<KeyLike>;
      for await (const key of candidates) {
        try {
          return await jwtVerify(token, key, this.verifyOptions);
        } catch (inner) {
          if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
        }
      }
      throw new errors.JWSSignatureVerificationFailed();
    }
  }
}

/** jose error → refusal code. Messages stay server-side; clients get the fixed problem text. */
export function toAuthError(error: unknown, remote: boolean): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) return new AuthError('token_expired', 'token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const reason = `claim ${error.claim}: ${error.reason}`;
    if (error.claim === 'iss') return new AuthError('token_wrong_issuer', reason);
    if (error.claim === 'aud') return new AuthError('token_wrong_audience', reason);
    if (error.claim === 'nbf' && error.reason === 'check_failed') return new AuthError('token_not_yet_valid', reason);
    return new AuthError('token_claims_invalid', reason);
  }
  if (
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKInvalid
  ) {
    return new AuthError('token_invalid', `${(error as Error).constructor.name}: ${(error as Error).message}`);
  }
  if (remote) {
    // JWKS timeout, bad JWKS, HTTP error, network error: our problem, not the client's
    return new AuthError('auth_unavailable', `key set unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new AuthError('token_invalid', `unexpected verification failure: ${error instanceof Error ? error.message : String(error)}`);
}

/** Ed25519 → EdDSA, RSA (≥ 2048 bits) → RS256; anything else is refused at boot. */
export function toVerificationKey(key: KeyObject): VerificationKey {
  if (key.type !== 'public') throw new AuthConfigError('Verification keys must be public keys');
  if (key.asymmetricKeyType === 'ed25519') return { key, alg: 'EdDSA', kid: keyId(key) };
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new AuthConfigError(`RSA verification key too short (${bits} bits, need ≥ 2048)`);
    return { key, alg: 'RS256', kid: keyId(key) };
  }
  throw new AuthConfigError(`Unsupported verification key type ${key.asymmetricKeyType ?? '?'} (Ed25519 or RSA only)`);
}

/** All SPKI public keys of a PEM file (several for rotation). Private keys in it are refused. */
export function readPublicKeys(file: string): VerificationKey[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AuthConfigError(`Cannot read AUTH_PUBLIC_KEY_FILE ${file}: ${(error as Error).message}`);
  }
  if (/PRIVATE KEY-----/.test(text)) {
    throw new AuthConfigError(`AUTH_PUBLIC_KEY_FILE ${file} contains a private key; give the public key only`);
  }
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new AuthConfigError(`AUTH_PUBLIC_KEY_FILE ${file} holds no "BEGIN PUBLIC KEY" (SPKI) block`);
  return blocks.map((pem) => {
    try {
      return toVerificationKey(createPublicKey(pem));
    } catch (error) {
      if (error instanceof AuthConfigError) throw error;
      throw new AuthConfigError(`AUTH_PUBLIC_KEY_FILE ${file}: unreadable public key (${(error as Error).message})`);
    }
  });
}

/**
 * Key lookup over fixed keys: candidates are the keys of the token's algorithm; a `kid` that names
 * one of them selects it, otherwise all candidates are tried (PEM keys have no kid of their own).
 */
function staticKeyLookup(keys: VerificationKey[]): JWTVerifyGetKey {
  return async (header: JWTHeaderParameters) => {
    const candidates = keys.filter((k) => k.alg === header.alg);
    const byKid = typeof header.kid === 'string' ? candidates.filter((k) => k.kid === header.kid) : [];
    const chosen = byKid.length > 0 ? byKid : candidates;
    if (chosen.length === 0) throw new errors.JWKSNoMatchingKey();
    if (chosen.length === 1) return chosen[0].key;
    const error = new errors.JWKSMultipleMatchingKeys();
    Object.assign(error, {
      [Symbol.asyncIterator]: async function* () {
        for (const k of chosen) yield k.key;
      },
    });
    throw error;
  };
}
