-- The access token issued with each refresh token, so revoking a session
-- (deactivation, refresh-token reuse) revokes its access tokens too, instead
-- of leaving them valid until they expire.
ALTER TABLE refresh_tokens ADD COLUMN access_jti TEXT;
ALTER TABLE refresh_tokens ADD COLUMN access_expires_at BIGINT;    -- epoch seconds, like the JWT exp
