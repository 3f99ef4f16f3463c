export { EVENT_SUBJECTS } from "./events.js";
export type { EventEnvelope, EventFields, EventPayload, EventSubject, PublisherLogger } from "./events.js";
export { createNatsPublisher, normalizeSubjectPrefix } from "./publisher.js";
export type { NatsPublisher, NatsPublisherOptions, PublisherStats } from "./publisher.js";
export { natsOrganizationHooks } from "./organization-hooks.js";
export type { MemberLike, NatsOrganizationHooks, OrganizationLike } from "./organization-hooks.js";
export { natsUserEvents } from "./user-events.js";
export type { NatsUserEventsOptions } from "./user-events.js";
