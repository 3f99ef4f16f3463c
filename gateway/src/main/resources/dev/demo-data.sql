-- start-dev demo data (plural-snake layout). Two organizations, one member per role, a platform admin, a banned user.
INSERT INTO users (id, name, email, email_verified, role, banned) VALUES
  ('alice', 'Alice Owner', 'alice@acme.test', true, 'user', false),
  ('bob', 'Bob Staff', 'bob@acme.test', true, 'user', false),
  ('vera', 'Vera Viewer', 'vera@acme.test', true, 'user', false),
  ('gus', 'Gus Globex', 'gus@globex.test', true, 'user', false),
  ('paula', 'Paula Platform', 'paula@platform.test', true, 'admin', false),
  ('bart', 'Bart Banned', 'bart@acme.test', true, 'user', true);
INSERT INTO organizations (id, name, slug, created_at) VALUES
  ('acme', 'Acme', 'acme', now()),
  ('globex', 'Globex', 'globex', now());
INSERT INTO members (id, organization_id, user_id, role, created_at) VALUES
  ('m1', 'acme', 'alice', 'owner', now()),
  ('m2', 'acme', 'bob', 'staff', now()),
  ('m3', 'acme', 'vera', 'viewer', now()),
  ('m4', 'globex', 'gus', 'owner', now()),
  ('m5', 'globex', 'paula', 'viewer', now()),
  ('m6', 'acme', 'bart', 'admin', now());
