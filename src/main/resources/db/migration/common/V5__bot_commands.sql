-- Slash commands of bots (issue 19). Only adds. A command's name belongs to one bot at a time, the first to register
-- it; a bot's owner replaces the bot's whole list at once.
CREATE ${table_kind}TABLE bot_commands (
  name VARCHAR(32) NOT NULL PRIMARY KEY,
  bot_key VARCHAR(20) NOT NULL,
  description VARCHAR(200) NOT NULL,
  usage_line VARCHAR(200) NOT NULL);

CREATE INDEX bot_commands_bot ON bot_commands (bot_key);
