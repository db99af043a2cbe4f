-- How many rule actions led to the event (sdk::Actor::depth): the rule
-- engine stops reacting past rules.limits.depth.
ALTER TABLE events ADD COLUMN actor_depth INTEGER NOT NULL DEFAULT 0;
