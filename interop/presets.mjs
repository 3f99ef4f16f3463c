// Table/column naming presets for Better Auth, shared by generate-schema.mjs and the e2e harness.
//
// Core models (user, session, account, verification) are renamed through the top-level options
// (`user: { modelName, fields }`); fields added by a plugin (admin: user.role/banned/banReason/banExpires,
// session.impersonatedBy; organization: session.activeOrganizationId) are renamed through that plugin's
// `schema` option. Checked against better-auth 1.7.25 (core db/get-tables.mjs, db/schema.mjs mergeSchema,
// plugins/organization/organization.mjs).
import { admin, organization, jwt } from "better-auth/plugins";

export const PRESET_NAMES = ["better-auth-default", "plural-snake"];

const snake = (s) => s.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

/** { modelName, fields: { camelField: snake_field } } for the fields that contain an upper-case letter. */
function renamed(modelName, fieldNames) {
  const fields = Object.fromEntries(
    fieldNames.filter((f) => f !== snake(f)).map((f) => [f, snake(f)]),
  );
  return modelName ? { modelName, fields } : { fields };
}

const pluralSnake = {
  core: {
    user: renamed("users", ["name", "email", "emailVerified", "image", "createdAt", "updatedAt"]),
    session: renamed("sessions", ["expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId"]),
    account: renamed("accounts", [
      "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken",
      "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt",
    ]),
    verification: renamed("verifications", ["identifier", "value", "expiresAt", "createdAt", "updatedAt"]),
  },
  admin: {
    user: renamed(null, ["role", "banned", "banReason", "banExpires"]),
    session: renamed(null, ["impersonatedBy"]),
  },
  organization: {
    organization: renamed("organizations", ["name", "slug", "logo", "createdAt", "metadata"]),
    member: renamed("members", ["organizationId", "userId", "role", "createdAt"]),
    invitation: renamed("invitations", [
      "organizationId", "email", "role", "teamId", "status", "expiresAt", "createdAt", "inviterId",
    ]),
    session: renamed(null, ["activeOrganizationId", "activeTeamId"]),
  },
  jwt: {
    jwks: renamed("jwks", ["publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv"]),
  },
};

export const PRESETS = {
  "better-auth-default": { core: {}, admin: undefined, organization: undefined, jwt: undefined },
  "plural-snake": pluralSnake,
};

/**
 * Better Auth options for a preset.
 * extra.admin / extra.organization / extra.jwt are merged into the plugin options
 * (e.g. organization roles, jwt.definePayload); extra.options into the top level.
 */
export function authOptions(presetName, { database, baseURL = "http://localhost:3000", secret, extra = {} } = {}) {
  const p = PRESETS[presetName];
  if (!p) throw new Error(`unknown preset ${presetName}; expected one of ${PRESET_NAMES.join(", ")}`);
  const withSchema = (schema, opts = {}) => (schema ? { ...opts, schema } : opts);
  return {
    database,
    baseURL,
    secret: secret ?? "tenantgate-interop-secret-not-for-production-0123456789",
    emailAndPassword: { enabled: true },
    ...p.core,
    ...extra.options,
    plugins: [
      admin(withSchema(p.admin, extra.admin)),
      organization(withSchema(p.organization, extra.organization)),
      jwt(withSchema(p.jwt, extra.jwt)),
      ...(extra.plugins ?? []),
    ],
  };
}

/** Physical names the gateway needs, per preset (handy for assertions). */
export function names(presetName) {
  const p = PRESETS[presetName];
  const t = (model, core) => (core?.modelName) ?? model;
  const f = (spec, field) => spec?.fields?.[field] ?? field;
  return {
    user: t("user", p.core.user),
    member: t("member", p.organization?.member),
    organization: t("organization", p.organization?.organization),
    session: t("session", p.core.session),
    jwks: t("jwks", p.jwt?.jwks),
    userRole: f(p.admin?.user, "role"),
    userBanned: f(p.admin?.user, "banned"),
    userBanReason: f(p.admin?.user, "banReason"),
    userBanExpires: f(p.admin?.user, "banExpires"),
    memberUserId: f(p.organization?.member, "userId"),
    memberOrganizationId: f(p.organization?.member, "organizationId"),
    memberRole: f(p.organization?.member, "role"),
  };
}
