import { readFileSync } from 'node:fs';
import { SASLOptions } from 'kafkajs';

/** What a kafkajs client needs to authenticate (SASL) and verify the brokers (TLS). */
export interface KafkaClientSecurity {
  sasl?: SASLOptions;
  ssl?: { ca: string[] };
}

const MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

/**
 * The client's security settings from the environment (all optional; none = plaintext, as with the
 * local development broker):
 * - `KAFKA_SASL_USERNAME` + `KAFKA_SASL_PASSWORD`: authenticate as that principal with
 *   `KAFKA_SASL_MECHANISM` (default `scram-sha-512`);
 * - `KAFKA_SSL_CA_FILE`: connect with TLS, trusting the CA certificate(s) in that PEM file.
 * A username without a password (or the reverse) is a configuration error.
 */
export function kafkaSecurityFromEnv(env: Record<string, string | undefined> = process.env): KafkaClientSecurity {
  const username = env.KAFKA_SASL_USERNAME || undefined;
  const password = env.KAFKA_SASL_PASSWORD || undefined;
  const mechanism = (env.KAFKA_SASL_MECHANISM || 'scram-sha-512').toLowerCase();
  const caFile = env.KAFKA_SSL_CA_FILE || undefined;
  const out: KafkaClientSecurity = {};
  if (username || password) {
    if (!username || !password) throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together');
    if (!(MECHANISMS as readonly string[]).includes(mechanism)) throw new Error(`KAFKA_SASL_MECHANISM must be one of ${MECHANISMS.join(', ')}`);
    out.sasl = { mechanism: mechanism as (typeof MECHANISMS)[number], username, password } as SASLOptions;
  }
  if (caFile) out.ssl = { ca: [readFileSync(caFile, 'utf8')] };
  return out;
}
