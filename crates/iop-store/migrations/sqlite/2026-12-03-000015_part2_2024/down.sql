DROP TABLE privacy_notices;
ALTER TABLE programs DROP COLUMN privacy_notice_version;
ALTER TABLE programs DROP COLUMN age_of_majority;
ALTER TABLE programs DROP COLUMN minors_need_parent_consent;
ALTER TABLE consents DROP COLUMN patient_signed;
