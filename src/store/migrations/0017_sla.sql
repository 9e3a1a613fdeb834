-- Each project's incident targets (response and resolution per priority) and the working hours
-- they count in, as JSON; none means the defaults, round the clock.
ALTER TABLE projects ADD COLUMN sla TEXT;
-- Each incident keeps the targets its project had when it was logged: a later change of them
-- changes the incidents logged after it, and the weeks already reported stay as they were.
ALTER TABLE incidents ADD COLUMN sla TEXT;
