-- The benchmark's Better Auth data, run by bench/run.sh on a fresh database after the Better Auth tables
-- (gateway/src/test/resources/db/plural-snake.sql) and config/indexes.sql. Ids are those of bench/tools/ids.mjs.
-- psql variables: warm_users, cold_users, orgs.

insert into organizations (id, name, slug, created_at)
select md5('org:' || i), 'Org ' || i, 'org-' || i, now()
from generate_series(0, :orgs - 1) as i;

insert into users (id, name, email, email_verified, role, banned)
select md5(kind || ':' || i), 'User ' || i, kind || '-' || i || '@bench.test', true, 'user', false
from (select 'warm' as kind, i from generate_series(0, :warm_users - 1) as i
      union all
      select 'cold', i from generate_series(0, :cold_users - 1) as i) as people;

-- User i of either kind is a member of organization i % orgs, as owner, admin, staff or viewer (i % 4).
insert into members (id, organization_id, user_id, role, created_at)
select md5('member:' || kind || ':' || i), md5('org:' || (i % :orgs)), md5(kind || ':' || i),
       (array['owner', 'admin', 'staff', 'viewer'])[i % 4 + 1], now()
from (select 'warm' as kind, i from generate_series(0, :warm_users - 1) as i
      union all
      select 'cold', i from generate_series(0, :cold_users - 1) as i) as people;

analyze;
