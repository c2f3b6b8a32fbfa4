-- The administrator's dashboard counts each account's refusals (`access.denied`) of the
-- last day. Without this index that count read every audit row of the day, so the page
-- slowed down and grew in memory as the day's reads were audited.
CREATE INDEX audit_log_action_at ON audit_log(action, at);
