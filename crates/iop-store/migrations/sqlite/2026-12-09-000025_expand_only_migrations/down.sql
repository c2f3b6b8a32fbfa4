DROP TABLE expand_only_migrations;
