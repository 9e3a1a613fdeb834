-- A step that passes looks for its project's halted versions, which it may supersede; and a
-- release in the new state `superseded` must not be read by a build that does not know it.
CREATE INDEX releases_by_project_state ON releases (project, state);
