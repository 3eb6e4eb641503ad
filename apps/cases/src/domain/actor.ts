/**
 * Who issues a command. Structurally the same as `Actor` in `@kinlink/contracts`, so an actor taken
 * from a verified token or from an event envelope can be passed straight in.
 */
export type ActorRole =
  | 'coordinator'
  | 'supervisor'
  | 'auditor'
  | 'agency-admin'
  | 'system-admin'
  /** an agency acting through its own topic */
  | 'agency'
  /** a Kinlink service (e.g. the supersede cascade) */
  | 'system';

export interface Actor {
  id: string;
  role: ActorRole;
  agencyId: string;
}

/** The actor the cases service uses for what it does on its own (the supersede cascade). */
export const CASES_SYSTEM_ACTOR: Actor = Object.freeze({ id: 'service:cases', role: 'system', agencyId: 'kinlink' });

/** The people who do casework. Everyone else is refused with ROLE_NOT_ALLOWED (auditors read only). */
export const CASEWORK_ROLES: readonly ActorRole[] = ['coordinator', 'supervisor'];
