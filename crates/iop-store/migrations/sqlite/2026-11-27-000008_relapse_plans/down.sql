DROP TABLE relapse_plans;
