DROP TABLE alerts;
DROP TABLE measures;
