import { Module } from '@nestjs/common';
import { ProjectEvent } from './project-event.usecase';
import { ProjectionsConsumer } from './projections.consumer';

@Module({ controllers: [ProjectionsConsumer], providers: [ProjectEvent] })
export class ProjectionsModule {}
