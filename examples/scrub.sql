-- pr-env scrub: masks personal data in an environment's copy of production, before its app (and
-- the pull request's code) can reach it. Point the `scrub-sql` input at a file like this one:
--
--   scrub-sql: .github/pr-env/scrub.sql
--
-- pr-env runs it on the environment's bastion with psql, as the cluster's master user, in ONE
-- transaction (`psql --single-transaction -v ON_ERROR_STOP=1`): if any statement fails, nothing is
-- changed, the run fails with that statement's error, and the app stays cut off from the data.
-- It runs after every create, after refresh-data (new data) and on `/pr-env scrub`; never on an
-- ordinary push. Adapt the table and column names to your schema.
--
-- PostgreSQL (aurora-postgresql). For Aurora MySQL, the same statements work with CONCAT() instead
-- of ||, LPAD(..., '0') as here, and `UPDATE ... JOIN` for joins; pr-env runs the file with
-- `mysql --batch`, which has no single-transaction mode: start the file with START TRANSACTION;
-- and end it with COMMIT; so that a failing statement leaves the data as it was.

-- E-mail addresses: unique and well-formed, and going nowhere (.invalid is reserved, RFC 2606).
UPDATE users
   SET email = 'user-' || id || '@example.invalid';

-- Names and phone numbers: masked, keeping a hint of their shape for the UI.
UPDATE users
   SET full_name = 'User ' || id,
       phone     = CASE WHEN phone IS NULL THEN NULL
                        ELSE '+1555' || LPAD((id % 10000000)::text, 7, '0') END;

-- Passwords: no real hash is left. Put here the hash of a test password your app accepts (e.g.
-- from your app's own hashing function), so that reviewers can sign in as any user; the value
-- below is a placeholder that matches no password.
UPDATE users
   SET password_hash = '$2b$12$prenvprenvprenvprenvpuTESTPASSWORDHASHPLACEHOLDERxx';

-- Payment tokens: nulled, and the card's last digits with them.
UPDATE payment_methods
   SET provider_token = NULL,
       card_last4     = NULL;

-- Addresses: the street goes, the city and country stay for realistic-looking data.
UPDATE addresses
   SET line1       = id || ' Example Street',
       line2       = NULL,
       postal_code = '00000';

-- Sessions and tokens a user could be impersonated with: none are worth keeping.
TRUNCATE sessions, password_reset_tokens;
