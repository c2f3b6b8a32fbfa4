-- Every process keeps the organisation's sites, programs, tracks and staff in memory
-- (nearly every page reads them; they change a few times a year). Any change to those
-- tables bumps this counter in the changing transaction, so one one-row read tells a
-- process whether its copy is current. A later migration that rebuilds one of these
-- tables must create its trigger again.
CREATE TABLE org_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO org_version (id, version) VALUES (1, 0);
CREATE FUNCTION bump_org_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER sites_bumps_org_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sites
    FOR EACH STATEMENT EXECUTE FUNCTION bump_org_version();
CREATE TRIGGER programs_bumps_org_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_org_version();
CREATE TRIGGER tracks_bumps_org_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tracks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_org_version();
CREATE TRIGGER staff_bumps_org_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff
    FOR EACH STATEMENT EXECUTE FUNCTION bump_org_version();
