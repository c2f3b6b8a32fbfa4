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
CREATE TRIGGER sites_insert_bumps_org_version AFTER INSERT ON sites
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sites_update_bumps_org_version AFTER UPDATE ON sites
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sites_delete_bumps_org_version AFTER DELETE ON sites
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER programs_insert_bumps_org_version AFTER INSERT ON programs
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER programs_update_bumps_org_version AFTER UPDATE ON programs
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER programs_delete_bumps_org_version AFTER DELETE ON programs
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tracks_insert_bumps_org_version AFTER INSERT ON tracks
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tracks_update_bumps_org_version AFTER UPDATE ON tracks
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tracks_delete_bumps_org_version AFTER DELETE ON tracks
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER staff_insert_bumps_org_version AFTER INSERT ON staff
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER staff_update_bumps_org_version AFTER UPDATE ON staff
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER staff_delete_bumps_org_version AFTER DELETE ON staff
BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END;
