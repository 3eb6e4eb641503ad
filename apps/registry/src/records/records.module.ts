import { Module } from '@nestjs/common';
import { ApplyAgencyEvent } from './apply-agency-event.usecase';
import { IntakeConsumer } from './intake.consumer';

@Module({ controllers: [IntakeConsumer], providers: [ApplyAgencyEvent] })
export class RecordsModule {}
