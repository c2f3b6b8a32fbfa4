-- Remittances go back to the 835 codes; a payment row cannot tell a front-desk check
-- from a payer's, so payments keep the shared codes.
UPDATE remittances SET method = CASE method
    WHEN 'check' THEN 'CHK' WHEN 'ach' THEN 'ACH' WHEN 'bop' THEN 'BOP'
    WHEN 'wire' THEN 'FWT' WHEN 'non_payment' THEN 'NON' ELSE method END;
