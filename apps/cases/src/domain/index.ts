/**
 * Pure domain logic of the cases service: the reunification workflow, match-review decisions and
 * the supersede cascade. No framework, no I/O, no clock: plain data in, plain data out.
 */
export * from './actor';
export * from './rule-violation';
export * from './idempotency';
export * from './dates';
export * from './verification-checklist';
export * from './case-reasons';
export * from './case-status';
export * from './case-workflow';
export * from './proposal-decision';
export * from './supersede';
export * from './safeguarding';
