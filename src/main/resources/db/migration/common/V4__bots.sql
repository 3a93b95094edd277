-- Bot accounts (issue 19). Only adds. A bot is a user: its name is a row of users, so no person can take it and its
-- messages, rooms and limits are a person's; no password matches that row's, so nobody logs in as a bot. Here is
-- who owns it and the SHA-256 of its token (the token itself is shown once and never stored). A deleted bot keeps
-- both rows with no token: its name stays taken, so nobody can post later under the name of its old messages.
CREATE ${table_kind}TABLE bots (
  username_key VARCHAR(20) NOT NULL PRIMARY KEY,
  owner_key VARCHAR(20) NOT NULL,
  description VARCHAR(200) NOT NULL,
  token_hash VARCHAR(64),
  created BIGINT NOT NULL,
  CONSTRAINT bots_token_hash UNIQUE (token_hash));

CREATE INDEX bots_owner ON bots (owner_key);
