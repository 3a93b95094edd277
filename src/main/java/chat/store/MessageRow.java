package chat.store;

import chat.bus.ChatMessage;
import chat.bus.E2e;
import chat.bus.FileInfo;
import chat.bus.Poll;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** A message as {@link Sql}'s message queries return it, with its file's columns after its own. */
final class MessageRow {

  private MessageRow() {
  }

  static ChatMessage of(Row row) {
    // by position: HSQLDB reports column labels in upper case, PostgreSQL in lower case
    FileInfo file = null;
    if (row.getValue(6) != null) {
      file = "stored".equals(row.getString(12))
        ? new FileInfo(row.getLong(6), row.getString(7), row.getLong(8), row.getString(9), row.getInteger(10),
          row.getInteger(11), false)
        : FileInfo.removed(row.getLong(6));
    }
    return new ChatMessage(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getLong(4),
      row.getString(5), file, Boolean.TRUE.equals(row.getBoolean(13)), Poll.fromOptionsText(row.getString(14)),
      row.getValue(15) == null ? null : E2e.fromJson(new JsonObject(row.getString(15))));
  }
}
