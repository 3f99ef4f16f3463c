// The benchmark's identifiers, the same ones bench/seed.sql computes in SQL: 32 hex characters, like Better Auth's
// 32-character ids. Warm users are members of one organization each, and so are cold users.
import { createHash } from 'node:crypto';

export const ROLES = ['owner', 'admin', 'staff', 'viewer'];

const md5 = (text) => createHash('md5').update(text).digest('hex');

export const warmUser = (i) => md5(`warm:${i}`);
export const coldUser = (i) => md5(`cold:${i}`);
export const org = (i) => md5(`org:${i}`);
export const role = (i) => ROLES[i % ROLES.length];
