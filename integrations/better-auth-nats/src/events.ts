/**
 * The identity change events of the tenantgate NATS contract.
 *
 * Subjects are published with an optional deployment prefix (e.g. `prod.`).
 * Every payload also carries `eventId` (unique string) and `occurredAt`
 * (epoch milliseconds, taken right after the change was committed).
 */
export const EVENT_SUBJECTS = {
  memberRoleChanged: "member.role.changed",
  memberRemoved: "member.removed",
  memberAdded: "member.added",
  organizationDeleted: "organization.deleted",
  userRoleChanged: "user.role.changed",
  userBanned: "user.banned",
  userUnbanned: "user.unbanned",
  userDeleted: "user.deleted",
} as const;

export interface EventFields {
  "member.role.changed": {
    userId: string;
    organizationId: string;
    role: string;
    previousRole: string | null;
  };
  "member.removed": { userId: string; organizationId: string };
  "member.added": { userId: string; organizationId: string; role: string };
  "organization.deleted": { organizationId: string };
  "user.role.changed": { userId: string; role: string | null; previousRole: string | null };
  "user.banned": { userId: string; banExpires: number | null };
  "user.unbanned": { userId: string };
  "user.deleted": { userId: string };
}

export type EventSubject = keyof EventFields;

export interface EventEnvelope {
  eventId: string;
  occurredAt: number;
}

export type EventPayload<S extends EventSubject> = EventEnvelope & EventFields[S];

/** Minimal logger; `console` fits. */
export interface PublisherLogger {
  error(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  info?(message: string, ...args: unknown[]): void;
  debug?(message: string, ...args: unknown[]): void;
}
