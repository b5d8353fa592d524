-- Runs once, when the PostgreSQL data volume is first initialised, as the owner role
-- (POSTGRES_USER) connected to the application database (POSTGRES_DB).
--
-- cocora_app is the role the running application logs in as. It owns nothing and cannot
-- bypass row-level security. Migrations run as the owner role; a post-migrate step then grants
-- cocora_app access to the tables and installs the row-level security policies.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'cocora_app') THEN
        CREATE ROLE cocora_app
            LOGIN PASSWORD 'cocora_app'
            NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
    END IF;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO cocora_app', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO cocora_app;
