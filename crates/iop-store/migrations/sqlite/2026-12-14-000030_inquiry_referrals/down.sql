DELETE FROM expand_only_migrations WHERE version = '20261214000030';
DROP TABLE inquiry_referral_contacts;
DROP TABLE inquiry_referrals;
