DELETE FROM expand_only_migrations WHERE version = '20261215000031';
DROP TABLE fhir_exports;
