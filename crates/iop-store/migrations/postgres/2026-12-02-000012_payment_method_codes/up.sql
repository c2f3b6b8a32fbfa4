-- One code set for payment methods: the 835's BPR04 codes join the front desk's.
UPDATE payments SET method = CASE method
    WHEN 'CHK' THEN 'check' WHEN 'ACH' THEN 'ach' WHEN 'BOP' THEN 'bop'
    WHEN 'FWT' THEN 'wire' WHEN 'NON' THEN 'non_payment' ELSE method END;
UPDATE remittances SET method = CASE method
    WHEN 'CHK' THEN 'check' WHEN 'ACH' THEN 'ach' WHEN 'BOP' THEN 'bop'
    WHEN 'FWT' THEN 'wire' WHEN 'NON' THEN 'non_payment' ELSE method END;
