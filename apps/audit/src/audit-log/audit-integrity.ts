import { Injectable, Logger } from '@nestjs/common';
import type { SelfCheckReport } from './self-check';

/**
 * Whether the log may still be signed. A failed self-check or a checkpoint that would be
 * inconsistent with the previous one halts signing ("a log MUST not sign any checkpoint which is
 * inconsistent with any checkpoint it previously signed", C2SP tlog-checkpoint): appends go on
 * (no event is lost) but no new checkpoint blesses a tampered tree until an operator has looked
 * (and restarted the service after restoring the log from a good copy).
 */
@Injectable()
export class AuditIntegrity {
  private readonly logger = new Logger('AuditIntegrity');
  private reason?: string;
  lastSelfCheck?: SelfCheckReport;

  get halted(): string | undefined {
    return this.reason;
  }

  halt(reason: string): void {
    if (this.reason === undefined) this.logger.error(`audit log integrity failure, checkpoint signing halted: ${reason}`);
    this.reason ??= reason;
  }
}
