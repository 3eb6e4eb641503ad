import { Injectable } from '@nestjs/common';

/** The clock port: the domain never reads time itself; tests pin it. */
@Injectable()
export class Clock {
  now(): string {
    return new Date().toISOString();
  }
}
