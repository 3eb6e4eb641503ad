import { Module } from '@nestjs/common';
import { CheckAgencyEvent } from './check-agency-event.usecase';
import { InboundConsumer } from './inbound.consumer';

@Module({ controllers: [InboundConsumer], providers: [CheckAgencyEvent] })
export class IntakeModule {}
