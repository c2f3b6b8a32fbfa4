DROP TRIGGER sites_bumps_org_version ON sites;
DROP TRIGGER programs_bumps_org_version ON programs;
DROP TRIGGER tracks_bumps_org_version ON tracks;
DROP TRIGGER staff_bumps_org_version ON staff;
DROP FUNCTION bump_org_version();
DROP TABLE org_version;
