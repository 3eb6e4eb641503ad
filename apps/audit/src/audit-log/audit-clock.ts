import { Injectable } from '@nestjs/common';

/** The clock port (tests pin time). */
@Injectable()
export class AuditClock {
  now(): Date {
    return new Date();
  }
}
