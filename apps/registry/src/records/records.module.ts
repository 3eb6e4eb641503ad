import { Module } from '@nestjs/common';
import { ApplyAgencyEvent } from './apply-agency-event.usecase';
import { EraseSubject } from './erase-subject.usecase';
import { ErasureConsumer } from './erasure.consumer';
import { IntakeConsumer } from './intake.consumer';
import { RetentionSweep } from './retention';

@Module({ controllers: [IntakeConsumer, ErasureConsumer], providers: [ApplyAgencyEvent, EraseSubject, RetentionSweep] })
export class RecordsModule {}
