/**
 * Agencies and services on the secure Kafka broker (docs/security.md):
 *
 *   npm run agency:add -- <agencyId> [--rotate]            credentials, topics, ACLs; the gateway accepts it
 *   npm run agency:remove -- <agencyId> [--delete-topics]  cut off: registry, ACLs, credentials (topics kept unless asked)
 *   npm run agency:list                                    registered agencies and SCRAM users
 *   npm run agency:provision                               services: internal topics, svc-* principals and ACLs,
 *                                                          and every agency in AGENCIES (as agency:add)
 * Options: --port N (secure broker, default $KAFKA_SECURE_PORT or 39192), --prefix P ($TOPIC_PREFIX or kinlink),
 *          --partitions N ($KAFKA_PARTITIONS or 3), --no-registry (skip the gateway's table), --database-url URL.
 *
 * Every command is idempotent. An agency's password is printed once, when it is created (or rotated),
 * and kept in .run/agencies/<id>.json (mode 0600); re-running agency:add keeps it. Services'
 * credentials go to .run/kafka-services-<port>.json (mode 0600), for `npm start` in secure mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { AGENCY_ID_PATTERN } from '@kinlink/contracts';
import { activateAgency, ensureAgencyTable, listAgencies, revokeAgencyRow, Sql } from '../apps/agency-gateway/src/agencies/agency-store';
import { agencyPrincipal } from '../libs/kafka/src/security/acl-layout';
import {
  AgencyCredentials, Credentials, grantAgency, provisionServices, readJson, revokeAgency, RevokeAgencyResult, SecureBrokerInfo, writeSecretJson,
} from '../libs/kafka/src/security/kafka-access';
import { listScramUsers } from '../libs/kafka/src/security/scram-users';

const ROOT = path.resolve(__dirname, '..');
export const SECURE_DEFAULT_PORT = 39192;

export interface AgencyCommandOptions {
  broker: SecureBrokerInfo;
  prefix: string;
  agencyId: string;
  partitions?: number;
  /** directory of the credential files (default .run/agencies) */
  credentialsDir?: string;
  /** the gateway's agency table; none = leave the registry alone */
  registry?: { sql: Sql; schema?: string };
}

export const credentialsFileOf = (dir: string, agencyId: string) => path.join(dir, `${agencyId}.json`);

/**
 * Adds an agency (idempotently): topics, SCRAM credential, ACLs, then the gateway's registry, then
 * the credential file. Keeps an existing password unless `rotate`; `created` says whether the
 * password is new (and so must be handed over).
 */
export async function addAgency(o: AgencyCommandOptions & { rotate?: boolean }): Promise<{ credentials: AgencyCredentials; created: boolean; file: string }> {
  if (!AGENCY_ID_PATTERN.test(o.agencyId)) throw new Error(`invalid agency id "${o.agencyId}" (${AGENCY_ID_PATTERN})`);
  const file = credentialsFileOf(o.credentialsDir ?? path.join(ROOT, '.run', 'agencies'), o.agencyId);
  const previous = readJson<AgencyCredentials>(file);
  const keep = !o.rotate && previous?.username === agencyPrincipal(o.agencyId) && previous.topicPrefix === o.prefix ? previous.password : undefined;
  const credentials = await grantAgency({ broker: o.broker, prefix: o.prefix, agencyId: o.agencyId, partitions: o.partitions, password: keep });
  if (o.registry) {
    await ensureAgencyTable(o.registry.sql, o.registry.schema);
    await activateAgency(o.registry.sql, o.agencyId, credentials.username, o.registry.schema);
  }
  writeSecretJson(file, keep ? { ...credentials, createdAt: previous!.createdAt } : credentials);
  return { credentials, created: !keep, file };
}

/** Removes an agency (idempotently): the registry first (the gateway stops within seconds), then ACLs, credential, file. */
export async function removeAgency(o: AgencyCommandOptions & { deleteTopics?: boolean }): Promise<RevokeAgencyResult & { fileDeleted: boolean }> {
  if (!AGENCY_ID_PATTERN.test(o.agencyId)) throw new Error(`invalid agency id "${o.agencyId}"`);
  if (o.registry) {
    await ensureAgencyTable(o.registry.sql, o.registry.schema);
    await revokeAgencyRow(o.registry.sql, o.agencyId, agencyPrincipal(o.agencyId), o.registry.schema);
  }
  const result = await revokeAgency({ broker: o.broker, prefix: o.prefix, agencyId: o.agencyId, deleteTopics: o.deleteTopics });
  const file = credentialsFileOf(o.credentialsDir ?? path.join(ROOT, '.run', 'agencies'), o.agencyId);
  const fileDeleted = fs.existsSync(file);
  fs.rmSync(file, { force: true });
  return { ...result, fileDeleted };
}

export const servicesCredentialsFile = (port: number) => path.join(ROOT, '.run', `kafka-services-${port}.json`);

/** Internal topics and the services' principals and ACLs; keeps the passwords of an earlier run. */
export async function provisionSecureServices(o: { broker: SecureBrokerInfo & { port?: number }; prefix: string; partitions?: number; file: string }): Promise<Record<string, Credentials>> {
  const existing = readJson<{ services?: Record<string, Credentials> }>(o.file)?.services;
  const services = await provisionServices({ broker: o.broker, prefix: o.prefix, partitions: o.partitions, existing });
  writeSecretJson(o.file, {
    note: 'Kafka credentials of the services for the secure broker (scripts/agency.ts provision). Never commit.',
    brokers: o.broker.brokers, topicPrefix: o.prefix, mechanism: 'scram-sha-512', services,
  });
  return services;
}

// ---------------------------------------------------------------- CLI

const USAGE = `usage: npm run agency:add -- <agencyId> [--rotate]
       npm run agency:remove -- <agencyId> [--delete-topics]
       npm run agency:list
       npm run agency:provision
options: --port N (secure broker; default $KAFKA_SECURE_PORT or ${SECURE_DEFAULT_PORT}) --prefix P --partitions N
         --no-registry --database-url URL`;

async function withRegistry<T>(url: string | null, fn: (registry?: { sql: Sql }) => Promise<T>): Promise<T> {
  if (!url) return fn(undefined);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn({ sql: client });
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' }, prefix: { type: 'string' }, partitions: { type: 'string' }, 'database-url': { type: 'string' },
      'no-registry': { type: 'boolean', default: false }, rotate: { type: 'boolean', default: false },
      'delete-topics': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, agencyId, ...rest] = positionals;
  const needsId = command === 'add' || command === 'remove';
  if (!command || !['add', 'remove', 'list', 'provision'].includes(command) || (needsId && !agencyId) || (!needsId && agencyId) || rest.length) {
    console.error(USAGE);
    return 2;
  }
  const port = Number(values.port ?? process.env.KAFKA_SECURE_PORT ?? SECURE_DEFAULT_PORT);
  const prefix = values.prefix ?? process.env.TOPIC_PREFIX ?? 'kinlink';
  const partitions = Number(values.partitions ?? process.env.KAFKA_PARTITIONS ?? 3);
  const databaseUrl = values['no-registry'] ? null : (values['database-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink');
  const lib = (await import(path.join(ROOT, 'scripts', 'lib', 'kafka-broker.mjs'))) as { secureBrokerInfo(o: { port: number }): (SecureBrokerInfo & { port: number }) | null };
  const broker = lib.secureBrokerInfo({ port });
  if (!broker) {
    console.error(`agency: no secure broker set up on port ${port}; start one with: node scripts/kafka.mjs start --secure --port ${port}`);
    return 1;
  }
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';

  switch (command) {
    case 'add': {
      const { credentials: c, created, file } = await withRegistry(databaseUrl, (registry) => addAgency({ broker, prefix, agencyId: agencyId!, partitions, registry, rotate: values.rotate }));
      console.log(`agency ${agencyId}: ${created ? (values.rotate ? 'added, password rotated' : 'added') : 'already added; credentials unchanged'}`);
      console.log(`  principal   User:${c.username} (SCRAM-SHA-512)`);
      if (created) console.log(`  password    ${c.password}\n              (shown once; also in ${rel(file)}, mode 0600: hand it over securely, then delete the file)`);
      else console.log(`  password    in ${rel(file)} (mode 0600)`);
      console.log(`  brokers     ${c.brokers.join(',')} (SASL_SSL; trust ${rel(c.caFile)})`);
      console.log(`  produce to  ${c.inboundTopic}`);
      console.log(`  consume     ${c.outboundTopic}, with consumer group ids starting ${c.groupPrefix}`);
      if (!databaseUrl) console.log('  registry    skipped (--no-registry): the gateway does not know this agency');
      return 0;
    }
    case 'remove': {
      const r = await withRegistry(databaseUrl, (registry) => removeAgency({ broker, prefix, agencyId: agencyId!, registry, deleteTopics: values['delete-topics'] }));
      console.log(`agency ${agencyId}: removed (cut off)`);
      console.log(`  ACLs deleted        ${r.aclsDeleted}`);
      console.log(`  credential deleted  ${r.credentialDeleted ? 'yes' : 'none was there'}`);
      console.log(`  topics deleted      ${r.topicsDeleted.join(', ') || (values['delete-topics'] ? 'none were there' : 'none (kept; --delete-topics deletes them)')}`);
      console.log(`  registry            ${databaseUrl ? 'revoked' : 'skipped (--no-registry)'}`);
      return 0;
    }
    case 'list': {
      const rows = databaseUrl ? await withRegistry(databaseUrl, async (registry) => {
        await ensureAgencyTable(registry!.sql);
        return listAgencies(registry!.sql);
      }) : [];
      for (const r of rows) console.log(`${r.status.padEnd(8)} ${r.agencyId.padEnd(24)} User:${r.kafkaPrincipal}  (since ${r.updatedAt})`);
      if (!rows.length) console.log('(no agencies in the registry; AGENCIES from the environment are accepted as well)');
      console.log(`SCRAM users: ${(await listScramUsers(broker)).join(', ')}`);
      return 0;
    }
    case 'provision': {
      const file = servicesCredentialsFile(port);
      const services = await provisionSecureServices({ broker, prefix, partitions, file });
      console.log(`services: ${Object.values(services).map((c) => `User:${c.username}`).join(', ')}; credentials in ${rel(file)} (mode 0600)`);
      const agencies = (process.env.AGENCIES ?? 'unhcr,icrc,savethechildren').split(',').map((a) => a.trim()).filter(Boolean);
      await withRegistry(databaseUrl, async (registry) => {
        for (const a of agencies) {
          const { created, file: f } = await addAgency({ broker, prefix, agencyId: a, partitions, registry });
          console.log(`agency ${a}: ${created ? 'added' : 'already added'}; credentials in ${rel(f)}`);
        }
      });
      return 0;
    }
  }
  return 2;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e: Error) => {
    console.error(`agency: ${e.message}`);
    process.exit(1);
  });
}
