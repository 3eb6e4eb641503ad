/**
 * The project's own scripts (plain ESM under scripts/lib), typed for the benchmarks: starting
 * PostgreSQL databases and the services, the Kafka broker, the repository layout.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServiceChild { name: string; port: number; url: string; child: ChildProcess }
export interface StartOptions { env?: Record<string, string>; portBase?: number; logDir?: string; services?: Array<{ name: string; port: number }> }
export interface SystemLib {
  ensurePostgres(url: string): Promise<void>;
  recreateDatabase(url: string): Promise<void>;
  startServices(o: StartOptions): Promise<ServiceChild[]>;
  stopServices(children: ServiceChild[], graceMs?: number): Promise<void>;
}
export interface BrokerLib {
  ensureBroker(o: { port: number; log?: (s: string) => void }): Promise<{ brokers: string[]; pid: number | null; reused: boolean }>;
  stopBroker(o: { port: number; log?: (s: string) => void }): Promise<unknown>;
  brokerStatus(o: { port: number }): Promise<{ pid: number | null }>;
  kafkaVersion(): string;
}

/* eslint-disable @typescript-eslint/no-require-imports */
/** the system helpers of a checkout (this one by default; a benchmark's built snapshot of it otherwise) */
export const loadSystem = (root?: string): SystemLib =>
  require(root ? path.join(root, 'scripts', 'lib', 'system.mjs') : '../../scripts/lib/system.mjs') as SystemLib;
export const brokerLib = require('../../scripts/lib/kafka-broker.mjs') as BrokerLib;
export const repo = require('../../scripts/lib/repo.mjs') as { ROOT: string; SERVICES: Array<{ name: string; port: number }> };
/* eslint-enable @typescript-eslint/no-require-imports */
