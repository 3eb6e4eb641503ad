// `npm run dlt:replay -- --topic <original topic|all> [--since ISO] [--reason code] [--dry-run]`
//
// Publishes dead letters (from `<prefix>.dead-letter`) back to the topics they came from, after
// the cause has been fixed; each letter at most once (remembered in `dlt_replay.replayed`).
// Environment: KAFKA_BROKERS, TOPIC_PREFIX, DATABASE_URL (as the services). See docs/reliability.md.
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { TopicNames } from '@kinlink/contracts';
import { parseTopicFilter, replayDeadLetters } from '@kinlink/kafka';

const USAGE = `usage: npm run dlt:replay -- --topic <topic|logical name|all> [--since <ISO time>] [--reason <code|prefix*>] [--dry-run]
  --topic     original topic of the letters to replay: a full name (kinlink.intake), a logical name
              (intake, records, inbound.unhcr), a comma-separated list, or "all"
  --since     only letters dead-lettered at or after this time (ISO 8601)
  --reason    only letters with this reason (dlt-reason header): exact, also matching
              "retries_exhausted:<reason>"; a trailing * matches a prefix
  --dry-run   list what would be replayed; publish and remember nothing
  --include-rejections   also agency events the gateway refused by the contract (left alone by
              default: the same bytes fail again; name one with --reason to replay just those)
  --brokers, --prefix, --database-url   override KAFKA_BROKERS, TOPIC_PREFIX, DATABASE_URL
  --json      print the report as JSON`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      topic: { type: 'string' }, since: { type: 'string' }, reason: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
      brokers: { type: 'string' }, prefix: { type: 'string' }, 'database-url': { type: 'string' }, json: { type: 'boolean', default: false },
      'include-rejections': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.topic) {
    console.error(USAGE);
    return 2;
  }
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    console.error(`--since: not an ISO time: ${values.since}`);
    return 2;
  }
  const topics = new TopicNames(values.prefix ?? process.env.TOPIC_PREFIX ?? 'kinlink');
  const brokers = (values.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(',').map((b) => b.trim()).filter(Boolean);
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink';
  const kafka = new Kafka({ clientId: 'kinlink-dlt-replay', brokers, logLevel: logLevel.WARN, retry: { retries: 5 } });
  const report = await replayDeadLetters({
    kafka, topics, databaseUrl, dryRun: values['dry-run'],
    filter: { topics: parseTopicFilter(values.topic, topics), since, reason: values.reason, includeContractRejections: values['include-rejections'] },
    log: (line) => { if (!values.json) console.log(line); },
  });
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }
  for (const l of report.letters) {
    console.log(`${l.status.padEnd(16)} ${report.deadLetterTopic}[${l.partition}]@${l.offset} → ${l.originalTopic}  ${l.reason}  ${l.eventId ?? ''}  ${l.failedAt ?? ''}`);
  }
  const verb = report.dryRun ? 'would replay' : 'replayed';
  const count = report.dryRun ? report.letters.filter((l) => l.status === 'would-replay').length : report.replayed;
  console.log(`${verb} ${count} of ${report.matched} matching dead letters (${report.scanned} scanned, ${report.alreadyReplayed} replayed before)`);
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`dlt:replay failed: ${(e as Error).message}`);
  process.exit(1);
});
