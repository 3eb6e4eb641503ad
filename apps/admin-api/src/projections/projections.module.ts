import { Module } from '@nestjs/common';
import { OpenedRecords } from './opened-records';
import { ProjectEvent } from './project-event.usecase';
import { ProjectionsConsumer } from './projections.consumer';

@Module({ controllers: [ProjectionsConsumer], providers: [ProjectEvent, OpenedRecords], exports: [OpenedRecords] })
export class ProjectionsModule {}
