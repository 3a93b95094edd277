-- Channels people make, and who may write to whom (issue 16). Only adds: nodes of the previous build keep working
-- while a cluster rolls over (they never read these tables, and the new messages column may be null).

-- A stored message may be a system line of its room ("alice joined"): what happened, for the page to show it apart.
ALTER TABLE messages ADD COLUMN kind VARCHAR(16);

CREATE ${table_kind}TABLE channels (
  name VARCHAR(32) NOT NULL PRIMARY KEY,
  visibility VARCHAR(8) NOT NULL,
  description VARCHAR(500) NOT NULL,
  owner_key VARCHAR(20) NOT NULL,
  created BIGINT NOT NULL,
  -- places taken of channels.maxMembers, each by one conditional UPDATE, so joins at the same moment cannot all
  -- pass on one count
  member_count INT NOT NULL);

-- places taken of channels.maxPerUser, the same way
CREATE ${table_kind}TABLE channel_owners (
  username_key VARCHAR(20) NOT NULL PRIMARY KEY,
  owned INT NOT NULL);

CREATE ${table_kind}TABLE channel_members (
  channel VARCHAR(32) NOT NULL,
  username_key VARCHAR(20) NOT NULL,
  role VARCHAR(10) NOT NULL,
  joined BIGINT NOT NULL,
  PRIMARY KEY (channel, username_key));

CREATE INDEX channel_members_user ON channel_members (username_key);

CREATE ${table_kind}TABLE channel_invitations (
  channel VARCHAR(32) NOT NULL,
  username_key VARCHAR(20) NOT NULL,
  invited_by VARCHAR(20) NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (channel, username_key));

CREATE INDEX channel_invitations_user ON channel_invitations (username_key);

-- An accepted contact is two rows, one per direction, so each user's list is one index range.
CREATE ${table_kind}TABLE contacts (
  username_key VARCHAR(20) NOT NULL,
  contact_key VARCHAR(20) NOT NULL,
  PRIMARY KEY (username_key, contact_key));

CREATE ${table_kind}TABLE contact_requests (
  from_key VARCHAR(20) NOT NULL,
  to_key VARCHAR(20) NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (from_key, to_key));

CREATE INDEX contact_requests_to ON contact_requests (to_key);

CREATE ${table_kind}TABLE blocks (
  username_key VARCHAR(20) NOT NULL,
  blocked_key VARCHAR(20) NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (username_key, blocked_key));

CREATE ${table_kind}TABLE user_settings (
  username_key VARCHAR(20) NOT NULL PRIMARY KEY,
  direct_messages VARCHAR(10) NOT NULL);
