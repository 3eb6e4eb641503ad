/**
 * Kafka-level isolation as code: who may do what on the secure broker (docs/security.md).
 *
 * - one principal per service, `User:svc-<service>`: READ on the topics it consumes, WRITE on the
 *   topics it produces to (its events' topics per TOPIC_OF, its agencies' notices, dead letters),
 *   READ on its consumer groups (`<prefix>.<service>` and `<prefix>.<service>.*`), DESCRIBE on
 *   the deployment's topics (the boot-time "ensure topics" step lists them; names carry ids only);
 * - one principal per agency, `User:agency-<id>`: WRITE on its own inbound topic, READ on its own
 *   outbound topic, READ on consumer groups `agency-<id>.*`; nothing else (default deny);
 * - `User:admin` is the only super user (provisioning, operator tools).
 *
 * Literal topic ACLs for agencies: agency ids can be prefixes of each other (`unhcr`, `unhcr-ke`).
 * Idempotent producers need no cluster ACL: since Kafka 3.0 (KIP-679) WRITE on a topic suffices.
 */
import { AGENCY_ID_PATTERN, INTERNAL_TOPICS, LogicalTopic, TopicNames } from '@kinlink/contracts';

export type AclResource = 'topic' | 'group' | 'cluster';
export type AclPattern = 'literal' | 'prefixed';
export type AclOperation = 'read' | 'write' | 'describe' | 'create' | 'delete' | 'alter' | 'describe-configs' | 'alter-configs';

/** One ALLOW rule (there are no DENY rules: everything not allowed is denied). */
export interface AclRule {
  principal: string;
  resource: AclResource;
  pattern: AclPattern;
  name: string;
  operation: AclOperation;
}

export const SUPER_USER = 'admin';
export const servicePrincipal = (service: string) => `svc-${service}`;
export const agencyPrincipal = (agencyId: string) => `agency-${agencyId}`;
/** Consumer groups an agency may use: `agency-<id>.<anything>`. */
export const agencyGroupPrefix = (agencyId: string) => `agency-${agencyId}.`;

/** Pseudo topics in a service's needs: every agency's inbound / outbound topic. */
export const ALL_AGENCY_INBOUND = 'inbound.*';
export const ALL_AGENCY_OUTBOUND = 'outbound.*';
export type TopicNeed = LogicalTopic | typeof ALL_AGENCY_INBOUND | typeof ALL_AGENCY_OUTBOUND;

export interface ServiceNeeds {
  consumes: TopicNeed[];
  produces: TopicNeed[];
}

const T = INTERNAL_TOPICS;

/**
 * What each service reads and writes. Consumes: the `subscribe` list of its main.ts (audit:
 * AUDITED_TOPICS; admin-api also follows `audit-checkpoints` in a group of its own). Produces: the
 * topics of the event types it creates (TOPIC_OF), plus `dead-letter` (every consumer parks
 * poison messages there); the gateway also answers agencies on their outbound topics.
 * `acl-layout.spec.ts` checks this against the sources.
 */
export const SERVICE_NEEDS: Record<string, ServiceNeeds> = {
  'agency-gateway': { consumes: [ALL_AGENCY_INBOUND, T.records, T.matches, T.cases], produces: [T.intake, ALL_AGENCY_OUTBOUND, T.deadLetter] },
  registry: { consumes: [T.intake, T.caseCommands], produces: [T.records, T.deadLetter] },
  matching: { consumes: [T.records], produces: [T.matches, T.deadLetter] },
  cases: { consumes: [T.records, T.matches, T.caseCommands], produces: [T.cases, T.deadLetter] },
  audit: { consumes: [T.records, T.matches, T.caseCommands, T.cases, T.deadLetter, T.accessLog], produces: [T.audit, T.auditCheckpoints, T.deadLetter] },
  'admin-api': { consumes: [T.records, T.matches, T.cases, T.audit, T.auditCheckpoints], produces: [T.caseCommands, T.accessLog, T.deadLetter] },
};
export const SERVICES = Object.keys(SERVICE_NEEDS);

function topicRule(topics: TopicNames, principal: string, need: TopicNeed, operation: AclOperation): AclRule {
  if (need === ALL_AGENCY_INBOUND) return { principal, resource: 'topic', pattern: 'prefixed', name: `${topics.prefix}.inbound.`, operation };
  if (need === ALL_AGENCY_OUTBOUND) return { principal, resource: 'topic', pattern: 'prefixed', name: `${topics.prefix}.outbound.`, operation };
  return { principal, resource: 'topic', pattern: 'literal', name: topics.internal(need), operation };
}

/** The ACLs of one service's principal under a topic prefix. */
export function serviceAcls(service: string, prefix: string): AclRule[] {
  const needs = SERVICE_NEEDS[service];
  if (!needs) throw new Error(`unknown service "${service}"`);
  const topics = new TopicNames(prefix);
  const principal = servicePrincipal(service);
  return [
    ...needs.consumes.map((n) => topicRule(topics, principal, n, 'read')),
    ...needs.produces.map((n) => topicRule(topics, principal, n, 'write')),
    // the boot-time topic check lists the deployment's topics (metadata only: names, partitions)
    { principal, resource: 'topic', pattern: 'prefixed', name: `${prefix}.`, operation: 'describe' },
    { principal, resource: 'group', pattern: 'literal', name: `${prefix}.${service}`, operation: 'read' },
    { principal, resource: 'group', pattern: 'prefixed', name: `${prefix}.${service}.`, operation: 'read' },
  ];
}

/** The ACLs of one agency's principal under a topic prefix. */
export function agencyAcls(agencyId: string, prefix: string): AclRule[] {
  if (!AGENCY_ID_PATTERN.test(agencyId)) throw new Error(`invalid agency id "${agencyId}"`);
  const topics = new TopicNames(prefix);
  const principal = agencyPrincipal(agencyId);
  return [
    { principal, resource: 'topic', pattern: 'literal', name: topics.agencyInbound(agencyId), operation: 'write' },
    { principal, resource: 'topic', pattern: 'literal', name: topics.agencyOutbound(agencyId), operation: 'read' },
    { principal, resource: 'group', pattern: 'prefixed', name: agencyGroupPrefix(agencyId), operation: 'read' },
  ];
}

/** Operations Kafka grants implicitly: READ, WRITE, DELETE and ALTER imply DESCRIBE (KIP-11). */
const IMPLIES: Partial<Record<AclOperation, AclOperation[]>> = {
  read: ['describe'], write: ['describe'], delete: ['describe'], alter: ['describe'], 'alter-configs': ['describe-configs'],
};

/**
 * Whether `rules` allow `principal` the operation on the resource, as the broker decides for
 * ALLOW-only rule sets (literal match, or prefix match; implied DESCRIBE). The super user may do
 * everything. Used by the isolation test to know what to expect of the real broker.
 */
export function allows(rules: AclRule[], principal: string, resource: AclResource, name: string, operation: AclOperation): boolean {
  if (principal === SUPER_USER) return true;
  return rules.some((r) => r.principal === principal && r.resource === resource
    && (r.operation === operation || (IMPLIES[r.operation] ?? []).includes(operation))
    && (r.pattern === 'literal' ? r.name === name : name.startsWith(r.name)));
}
