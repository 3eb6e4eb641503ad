import { Module } from '@nestjs/common';
import { AgencyNoticesConsumer } from './agency-notices.consumer';
import { AgencyNotices } from './agency-notices.usecase';

@Module({ controllers: [AgencyNoticesConsumer], providers: [AgencyNotices] })
export class NotificationsModule {}
