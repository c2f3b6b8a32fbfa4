-- Where a track's curriculum rotation stands counts its earlier sessions: without this
-- index that count read every session of every program (190 ms at 100 sites × 5 years).
CREATE INDEX sessions_track_date ON sessions(track_id, local_date);
-- The outcome report reads one instrument's measures from a day on.
CREATE INDEX measures_instrument_date ON measures(instrument, taken_on);
