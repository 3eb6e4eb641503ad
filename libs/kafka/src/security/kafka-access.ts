/**
 * Provisioning on the secure broker, as the admin: topics, SCRAM credentials (through the Java
 * helper) and ACLs (kafkajs admin `createAcls` / `deleteAcls`) for services and agencies.
 * Every step is idempotent, so a half-finished run is completed by running it again.
 * Used by scripts/agency.ts and the isolation test; never by the services themselves.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AclEntry, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Admin, Kafka, logLevel, ResourcePatternTypes,
} from 'kafkajs';
import { TopicNames, topicConfigOf } from '@kinlink/contracts';
import { AclOperation, AclRule, agencyAcls, agencyGroupPrefix, agencyPrincipal, serviceAcls, servicePrincipal, SERVICES } from './acl-layout';
import { alterScramUsers, JavaAdminTools } from './scram-users';

export const SASL_MECHANISM = 'scram-sha-512' as const;

/** The secure broker as scripts/lib/kafka-broker.mjs describes it (`ensureBroker({ secure: true })`, `secureBrokerInfo`). */
export interface SecureBrokerInfo extends JavaAdminTools {
  /** internal listener (SASL_PLAINTEXT): services, scripts, the admin */
  brokers: string[];
  /** agency listener (SASL_SSL) */
  agencyBrokers: string[];
  sasl: { mechanism: typeof SASL_MECHANISM; username: string; password: string };
  /** CA that signed the agency listener's certificate (PEM) */
  caFile: string;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface AgencyCredentials extends Credentials {
  agencyId: string;
  mechanism: typeof SASL_MECHANISM;
  /** the agency listener (TLS) */
  brokers: string[];
  caFile: string;
  topicPrefix: string;
  inboundTopic: string;
  outboundTopic: string;
  groupPrefix: string;
  createdAt: string;
}

export const newPassword = () => randomBytes(24).toString('base64url');

export function adminKafka(broker: SecureBrokerInfo, clientId = 'kinlink-provisioning'): Kafka {
  return new Kafka({
    clientId, brokers: broker.brokers, sasl: broker.sasl, logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000, retry: { retries: 5, initialRetryTime: 200 },
  });
}

const RESOURCE: Record<AclRule['resource'], AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, cluster: AclResourceTypes.CLUSTER,
};
const OPERATION: Record<AclOperation, AclOperationTypes> = {
  read: AclOperationTypes.READ, write: AclOperationTypes.WRITE, describe: AclOperationTypes.DESCRIBE,
  create: AclOperationTypes.CREATE, delete: AclOperationTypes.DELETE, alter: AclOperationTypes.ALTER,
  'describe-configs': AclOperationTypes.DESCRIBE_CONFIGS, 'alter-configs': AclOperationTypes.ALTER_CONFIGS,
};

export function toAclEntry(rule: AclRule): AclEntry {
  return {
    resourceType: RESOURCE[rule.resource],
    resourceName: rule.name,
    resourcePatternType: rule.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: `User:${rule.principal}`,
    host: '*',
    operation: OPERATION[rule.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** Creates ALLOW ACLs (creating one that exists changes nothing). */
export async function applyAcls(admin: Admin, rules: AclRule[]): Promise<void> {
  if (rules.length) await admin.createAcls({ acl: rules.map(toAclEntry) });
}

/** Every ACL that names `principal` (any resource, pattern, operation). */
export async function describePrincipalAcls(admin: Admin, principal: string): Promise<number> {
  const res = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, principal: `User:${principal}`,
    operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
  });
  return res.resources.reduce((n, r) => n + r.acls.length, 0);
}

/** Deletes every ACL that names `principal`; returns how many there were. */
export async function deletePrincipalAcls(admin: Admin, principal: string): Promise<number> {
  const res = await admin.deleteAcls({
    filters: [{
      resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, principal: `User:${principal}`,
      operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
    }],
  });
  return res.filterResponses.reduce((n, f) => n + f.matchingAcls.length, 0);
}

async function createTopics(admin: Admin, names: string[], partitions: number, topics?: TopicNames): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(names)].filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries: topics ? topicConfigOf(topics, topic) : [] })),
  })
    .catch((e: { type?: string }) => {
      if (e.type !== 'TOPIC_ALREADY_EXISTS') throw e;
    });
  return missing;
}

async function withAdmin<T>(broker: SecureBrokerInfo, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = adminKafka(broker).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface ProvisionServicesOptions {
  broker: SecureBrokerInfo;
  prefix: string;
  partitions?: number;
  services?: string[];
  /** passwords to keep (from an earlier run); missing services get new ones */
  existing?: Record<string, Credentials>;
}

/**
 * The internal topics, one SCRAM credential per service (`svc-<service>`) and each service's ACLs.
 * Returns the services' credentials (to hand to each service as KAFKA_SASL_USERNAME/PASSWORD).
 */
export async function provisionServices(o: ProvisionServicesOptions): Promise<Record<string, Credentials>> {
  const services = o.services ?? SERVICES;
  const creds: Record<string, Credentials> = {};
  for (const s of services) {
    const kept = o.existing?.[s];
    creds[s] = kept?.username === servicePrincipal(s) && kept.password ? kept : { username: servicePrincipal(s), password: newPassword() };
  }
  const topics = new TopicNames(o.prefix);
  await withAdmin(o.broker, async (admin) => {
    await createTopics(admin, topics.allInternal(), o.partitions ?? 3);
    await alterScramUsers(o.broker, { upsert: Object.values(creds) });
    await applyAcls(admin, services.flatMap((s) => serviceAcls(s, o.prefix)));
  });
  return creds;
}

export interface GrantAgencyOptions {
  broker: SecureBrokerInfo;
  prefix: string;
  agencyId: string;
  partitions?: number;
  /** keep this password (re-running agency:add must not change a working credential) */
  password?: string;
}

/** The agency's inbound and outbound topics, its SCRAM credential and its ACLs. */
export async function grantAgency(o: GrantAgencyOptions): Promise<AgencyCredentials> {
  const topics = new TopicNames(o.prefix);
  const username = agencyPrincipal(o.agencyId);
  const password = o.password ?? newPassword();
  await withAdmin(o.broker, async (admin) => {
    await createTopics(admin, [topics.agencyInbound(o.agencyId), topics.agencyOutbound(o.agencyId)], o.partitions ?? 3, topics);
    await alterScramUsers(o.broker, { upsert: [{ username, password }] });
    await applyAcls(admin, agencyAcls(o.agencyId, o.prefix));
  });
  return {
    agencyId: o.agencyId, username, password, mechanism: SASL_MECHANISM, brokers: o.broker.agencyBrokers, caFile: o.broker.caFile,
    topicPrefix: o.prefix, inboundTopic: topics.agencyInbound(o.agencyId), outboundTopic: topics.agencyOutbound(o.agencyId),
    groupPrefix: agencyGroupPrefix(o.agencyId), createdAt: new Date().toISOString(),
  };
}

export interface RevokeAgencyOptions {
  broker: SecureBrokerInfo;
  prefix: string;
  agencyId: string;
  /** also delete the agency's inbound and outbound topics (their messages are lost) */
  deleteTopics?: boolean;
}

export interface RevokeAgencyResult {
  aclsDeleted: number;
  credentialDeleted: boolean;
  topicsDeleted: string[];
}

/**
 * Cuts an agency off: its ACLs go first (every request on an open connection is refused from
 * then on), then its SCRAM credential (no new connection authenticates), then, if asked, its topics.
 */
export async function revokeAgency(o: RevokeAgencyOptions): Promise<RevokeAgencyResult> {
  const topics = new TopicNames(o.prefix);
  const principal = agencyPrincipal(o.agencyId);
  return withAdmin(o.broker, async (admin) => {
    const aclsDeleted = await deletePrincipalAcls(admin, principal);
    const scram = await alterScramUsers(o.broker, { remove: [principal] });
    let topicsDeleted: string[] = [];
    if (o.deleteTopics) {
      const existing = new Set(await admin.listTopics());
      topicsDeleted = [topics.agencyInbound(o.agencyId), topics.agencyOutbound(o.agencyId)].filter((t) => existing.has(t));
      if (topicsDeleted.length) await admin.deleteTopics({ topics: topicsDeleted });
    }
    return { aclsDeleted, credentialDeleted: scram.deleted.includes(principal), topicsDeleted };
  });
}

/** Writes a secret JSON file readable by its owner only (0600), atomically. */
export function writeSecretJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
