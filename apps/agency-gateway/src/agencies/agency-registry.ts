import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AGENCY_SCHEMA, AgencyRow, listAgencies, Sql } from './agency-store';

/**
 * The agencies whose events the gateway accepts: AGENCIES from the environment (read at boot) plus
 * those registered with `npm run agency:add`, minus those revoked with `agency:remove` (a revocation
 * also wins over the environment).
 */
export function acceptedAgencies(bootAgencies: Iterable<string>, rows: AgencyRow[]): string[] {
  const out = new Set(bootAgencies);
  for (const r of rows) {
    if (r.status === 'active') out.add(r.agencyId);
    else out.delete(r.agencyId);
  }
  return [...out].sort();
}

export const DEFAULT_REFRESH_MS = 2_000;

/**
 * Reads `agency_gateway.agency` every AGENCY_REFRESH_MS (default 2 s) and tells its listeners when
 * the set of agencies changes, so registrations and revocations take effect within seconds without
 * a restart. A failed read keeps the last known set (logged).
 */
@Injectable()
export class AgencyRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgencyRegistry.name);
  private readonly boot: ReadonlySet<string>;
  private rows: AgencyRow[] = [];
  private accepted: string[];
  private timer?: NodeJS.Timeout;
  private readonly listeners = new Set<(accepted: string[]) => void | Promise<void>>();
  private refreshing?: Promise<boolean>;
  readonly refreshMs: number;
  /** the registry table's schema (tests use their own) */
  protected schema = AGENCY_SCHEMA;

  constructor(@InjectDataSource() private readonly dataSource: DataSource, config: ConfigService) {
    this.boot = new Set(config.getOrThrow<string[]>('AGENCIES'));
    this.accepted = acceptedAgencies(this.boot, []);
    const ms = Number(process.env.AGENCY_REFRESH_MS ?? DEFAULT_REFRESH_MS);
    this.refreshMs = Number.isFinite(ms) && ms >= 100 ? ms : DEFAULT_REFRESH_MS;
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether events from this agency are accepted now. */
  accepts(agencyId: string): boolean {
    return this.accepted.includes(agencyId);
  }

  /** Agencies accepted now (environment + registered − revoked). */
  acceptedAgencies(): string[] {
    return [...this.accepted];
  }

  /** Agencies from AGENCIES (the main consumer subscribes to their inbound topics at boot). */
  bootAgencies(): ReadonlySet<string> {
    return this.boot;
  }

  onChange(listener: (accepted: string[]) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the table now; true if the accepted set changed. One refresh at a time. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<boolean> {
    try {
      this.rows = await listAgencies(this.dataSource as unknown as Sql, this.schema);
    } catch (e) {
      this.logger.warn(`could not read the agency registry (keeping the last known agencies): ${(e as Error).message}`);
      return false;
    }
    const next = acceptedAgencies(this.boot, this.rows);
    if (next.join(',') === this.accepted.join(',')) return false;
    const added = next.filter((a) => !this.accepted.includes(a));
    const removed = this.accepted.filter((a) => !next.includes(a));
    this.accepted = next;
    this.logger.log(`agencies accepted: ${next.join(', ') || '(none)'}${added.length ? `; added ${added.join(', ')}` : ''}${removed.length ? `; revoked ${removed.join(', ')}` : ''}`);
    for (const listener of this.listeners) {
      await Promise.resolve(listener(next)).catch((e) => this.logger.error(`agency listener failed: ${(e as Error).message}`));
    }
    return true;
  }
}
