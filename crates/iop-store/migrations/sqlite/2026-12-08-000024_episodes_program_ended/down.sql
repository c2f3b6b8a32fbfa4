DROP INDEX episodes_program_ended;
