export * from './topics';
export * from './errors';
export * from './agency/fields';
export * from './agency/agency-event';
export * from './internal-events';
export * from './agency/notifications';
