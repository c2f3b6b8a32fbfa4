DROP INDEX measures_instrument_date;
DROP INDEX sessions_track_date;
