-- A release keeps its project's policy as it stood when it was cut (firebreak, parties,
-- hypercare days, pipeline file): `project edit` then changes only the releases cut after it.
-- The releases already on the board keep the policy their project has today.
ALTER TABLE releases ADD COLUMN policy TEXT;
UPDATE releases SET policy = (
    SELECT json_object(
        'firebreak', json(CASE WHEN p.firebreak THEN 'true' ELSE 'false' END),
        'parties', json(p.parties),
        'hypercare_days', p.hypercare_days,
        'pipeline', p.pipeline
    )
    FROM projects p WHERE p.name = releases.project
);
