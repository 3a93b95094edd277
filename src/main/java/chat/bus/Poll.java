package chat.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A poll a message carries (its text is the question): its options, the votes each has, and, in a reader's
 * history, the reader's own choice (null when they have not voted, and in what is published to everyone).
 */
public record Poll(List<String> options, List<Integer> votes, Integer mine) {

  public static final int MIN_OPTIONS = 2;
  public static final int MAX_OPTIONS = 10;
  public static final int MAX_OPTION = 100;

  /** A new poll: no votes yet. */
  public static Poll of(List<String> options) {
    return new Poll(List.copyOf(options), java.util.Collections.nCopies(options.size(), 0), null);
  }

  public Poll withVotes(List<Integer> counted, Integer reader) {
    return new Poll(options, List.copyOf(counted), reader);
  }

  /** Its options as the store keeps them: a JSON array of strings. */
  public String optionsText() {
    return new JsonArray(options).encode();
  }

  public static Poll fromOptionsText(String text) {
    return text == null ? null : of(new JsonArray(text).stream().map(String.class::cast).toList());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("options", new JsonArray(options)).put("votes", new JsonArray(votes));
    return mine == null ? json : json.put("mine", mine);
  }

  public static Poll fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new Poll(json.getJsonArray("options").stream().map(String.class::cast).toList(),
      json.getJsonArray("votes").stream().map(v -> ((Number) v).intValue()).toList(), json.getInteger("mine"));
  }
}
