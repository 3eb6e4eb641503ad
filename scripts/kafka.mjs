#!/usr/bin/env node
// Local Kafka broker (single-node KRaft JVM on 127.0.0.1) for development and tests.
//
//   node scripts/kafka.mjs start  [--fresh] [--port N]   start it, or reuse one that already answers
//   node scripts/kafka.mjs stop   [--port N]             SIGTERM (then SIGKILL after 20 s) the one we started
//   node scripts/kafka.mjs status [--port N]             exit code 0 if a broker answers, 3 if not
//
// The port defaults to $KAFKA_PORT or 39092; the controller listens on port + 1.
// npm scripts: kafka:start, kafka:stop, kafka:status.
//
// --secure (opt-in): a broker with SASL/SCRAM, TLS for agencies and ACLs (docs/security.md), on
// $KAFKA_SECURE_PORT or 39192 (services, SASL_PLAINTEXT), controller port + 1, agencies port + 2 (SASL_SSL).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, SECURE_DEFAULT_PORT, brokerStatus, ensureBroker, stopBroker } from './lib/kafka-broker.mjs';

const USAGE = `usage: node scripts/kafka.mjs start|stop|status [--fresh] [--port N] [--secure [--agency-port M]]

  start    start a single-node Kafka broker on 127.0.0.1 (reuses one that already answers)
  stop     stop the broker this script started
  status   show whether a broker answers (exit 0) or not (exit 3)

  --port N   broker port (default $KAFKA_PORT or 39092); the controller uses N+1
  --fresh    (start) wipe the broker's data dir and start from an empty cluster
  --secure   a broker with SASL/SCRAM-SHA-512, TLS on the agency listener and ACLs (default deny);
             port default $KAFKA_SECURE_PORT or ${SECURE_DEFAULT_PORT}; admin secrets in .kafka/credentials-<port>.json
  --agency-port M   (start --secure) the agencies' SASL_SSL listener (default port + 2)`;

function fail(message) {
  console.error(`kafka: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      secure: { type: 'boolean', default: false },
      'agency-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  fail(err.message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) fail('expected exactly one command');
const [command] = positionals;

let port;
if (values.port !== undefined) {
  port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65534) fail(`invalid --port ${values.port}`);
}
if (values.fresh && command !== 'start') fail('--fresh only applies to start');
if (values['agency-port'] !== undefined && !(values.secure && command === 'start')) fail('--agency-port only applies to start --secure');
if (values.secure && port === undefined) port = Number(process.env.KAFKA_SECURE_PORT ?? SECURE_DEFAULT_PORT);
let agencyPort;
if (values['agency-port'] !== undefined) {
  agencyPort = Number(values['agency-port']);
  if (!Number.isInteger(agencyPort) || agencyPort < 1 || agencyPort > 65535) fail(`invalid --agency-port ${values['agency-port']}`);
}

const rel = (p) => path.relative(process.cwd(), p) || '.';

try {
  switch (command) {
    case 'start': {
      const started = Date.now();
      if (values.secure) {
        const b = await ensureBroker({ port, fresh: values.fresh, secure: true, ...(agencyPort ? { agencyPort } : {}) });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(b.reused
          ? `kafka: secure broker already running at ${b.brokers.join(',')}${b.pid ? ` (PID ${b.pid})` : ''}`
          : `kafka: secure broker running (PID ${b.pid}), started in ${seconds} s`);
        console.log(`kafka: services  ${b.brokers.join(',')} SASL_PLAINTEXT, SCRAM-SHA-512 (KAFKA_BROKERS, KAFKA_SASL_USERNAME/PASSWORD)`);
        console.log(`kafka: agencies  ${b.agencyBrokers.join(',')} SASL_SSL, SCRAM-SHA-512, CA ${rel(b.caFile)} (Java: ${rel(b.truststoreFile)})`);
        console.log(`kafka: admin     User:${b.sasl.username}, password in ${rel(b.credentialsFile)}; Java tools: --command-config ${rel(b.adminConfigFile)}`);
        console.log(`kafka: next      npm run agency:provision -- --port ${port}   (services' principals and ACLs, AGENCIES' agencies)`);
        break;
      }
      const { brokers, pid, reused } = await ensureBroker({ port, fresh: values.fresh });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        reused
          ? `kafka: already running at ${brokers.join(',')}${pid ? ` (PID ${pid})` : ' (not started by this script)'}`
          : `kafka: running at ${brokers.join(',')} (PID ${pid}), started in ${seconds} s`,
      );
      console.log(`kafka: use KAFKA_BROKERS=${brokers.join(',')}`);
      break;
    }
    case 'stop':
      await stopBroker({ port });
      break;
    case 'status': {
      const s = await brokerStatus({ port });
      if (s.running) {
        console.log(`kafka: running at ${s.brokers.join(',')} - cluster ${s.clusterId}`);
        console.log(s.managed ? `kafka: PID ${s.pid}, Kafka ${s.version}` : 'kafka: not started by this script (no PID known)');
        if (s.secure) console.log(`kafka: secure mode; agencies at ${s.agencyBrokers.join(',')} (TLS, CA ${rel(s.caFile)}); admin secrets ${rel(s.credentialsFile)}`);
      } else if (s.managed) {
        console.log(`kafka: PID ${s.pid} is alive but does not answer on ${s.brokers.join(',')} (starting, or hung)`);
      } else {
        console.log(`kafka: not running on ${s.brokers.join(',')}`);
      }
      console.log(`kafka: data ${rel(s.dataDir)}, log ${rel(s.logFile)}`);
      process.exitCode = s.running ? 0 : 3;
      break;
    }
    default:
      fail(`unknown command "${command}"`);
  }
} catch (err) {
  console.error(`kafka: ${command} failed: ${err.message}`);
  console.error(`kafka: repo ${REPO_ROOT}`);
  process.exit(1);
}
