package chat.bus;

import java.util.Collection;

/** A page of a room's history: the newest {@code limit} before an id, or the oldest {@code limit} after one. */
public record HistoryQuery(RoomId room, Long before, Long after, int limit) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 100;

  public static HistoryQuery from(BridgeRequest request, Collection<String> topics) {
    RoomId room = request.room(topics);
    Long before = request.optionalLong("before");
    Long after = request.optionalLong("after");
    Long limit = request.optionalLong("limit");
    if (before != null && after != null) {
      throw Failure.badRequest("before and after cannot be used together");
    }
    if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
      throw Failure.badRequest("limit must be from 1 to " + MAX_LIMIT);
    }
    return new HistoryQuery(room, before, after, limit == null ? DEFAULT_LIMIT : limit.intValue());
  }
}
