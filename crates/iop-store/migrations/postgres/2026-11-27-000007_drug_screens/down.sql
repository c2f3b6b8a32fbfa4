DROP TABLE drug_screens;
