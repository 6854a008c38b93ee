DROP TABLE policy_adoptions;
